import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, Principal } from '@mph/api-core';
import { PriceReadService } from '@mph/api-pricing';
import type { PriceVersionDto } from '@mph/api-catalog';
import { calculateCost, normalizeUsage, RateComponent, UnknownPriceError, Usage, UsageError } from '@mph/cost-engine';
import { DataSource } from 'typeorm';
import { BudgetsService } from './budgets.service';
import { MatchedOffering, ModelMatcherService } from './model-matcher.service';

export const MAX_BATCH = 1000;
const TIERS = ['standard', 'batch', 'flex', 'priority'];
const STATUSES = ['success', 'error', 'partial', 'cached'];

export interface IngestResult {
  index: number;
  idempotency_key: string | null;
  status: 'stored' | 'duplicate' | 'rejected';
  id?: string;
  total_cost?: string | null;
  currency?: string;
  reason?: string;
}

interface ValidEvent {
  index: number;
  key: string;
  occurredAt: Date;
  provider: string;
  model: string;
  usage: Usage;
  serviceTier: string;
  region: string;
  project: string;
  sessionId: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  status: string;
  errorClass: string | null;
  fxRate: string | null;
}

const str = (v: unknown, max: number) => typeof v === 'string' && v.length >= 1 && v.length <= max;
const optInt = (v: unknown) => v === undefined || v === null || (Number.isSafeInteger(v) && (v as number) >= 0);

/** Checks one event; returns it typed, or the reason it is rejected. */
export function validateEvent(raw: unknown, index: number, now: Date): ValidEvent | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'an event must be a JSON object';
  const e = raw as Record<string, unknown>;
  const known = new Set([
    'idempotency_key',
    'timestamp',
    'provider',
    'model',
    'usage',
    'service_tier',
    'region',
    'project',
    'session_id',
    'latency_ms',
    'ttft_ms',
    'status',
    'error_class',
    'fx_rate',
  ]);
  const unknown = Object.keys(e).filter((k) => !known.has(k));
  if (unknown.length) return `unknown field(s): ${unknown.join(', ')}`;
  if (!str(e['idempotency_key'], 200) || !/^[\w.:@/-]+$/.test(e['idempotency_key'] as string)) {
    return 'idempotency_key: 1–200 letters, digits or . _ : @ / -';
  }
  if (!str(e['provider'], 64)) return 'provider: required (e.g. "openai")';
  if (!str(e['model'], 200)) return 'model: required (e.g. "gpt-4o-mini")';
  let occurredAt = now;
  if (e['timestamp'] !== undefined) {
    if (
      typeof e['timestamp'] !== 'string' ||
      Number.isNaN(Date.parse(e['timestamp'])) ||
      !/^\d{4}-\d{2}-\d{2}T/.test(e['timestamp'])
    ) {
      return 'timestamp: an ISO 8601 instant such as 2026-01-31T12:00:00Z';
    }
    occurredAt = new Date(e['timestamp']);
    if (occurredAt.getTime() > now.getTime() + 5 * 60_000) return 'timestamp: in the future';
  }
  if (!e['usage'] || typeof e['usage'] !== 'object' || Array.isArray(e['usage']))
    return 'usage: required object of token counts';
  let usage: Usage;
  try {
    usage = normalizeUsage(e['usage'] as Record<string, unknown>);
  } catch (err) {
    return `usage: ${(err as UsageError).message}`;
  }
  const tier = (e['service_tier'] as string | undefined) ?? 'standard';
  if (!TIERS.includes(tier)) return `service_tier: one of ${TIERS.join(', ')}`;
  const region = (e['region'] as string | undefined) ?? '';
  if (typeof region !== 'string' || !/^[a-z0-9-]{0,40}$/.test(region))
    return 'region: lowercase letters, digits, dashes';
  const project = (e['project'] as string | undefined) ?? '';
  if (typeof project !== 'string' || project.length > 100) return 'project: up to 100 characters';
  if (e['session_id'] !== undefined && e['session_id'] !== null && !str(e['session_id'], 200))
    return 'session_id: up to 200 characters';
  if (!optInt(e['latency_ms']) || !optInt(e['ttft_ms'])) return 'latency_ms / ttft_ms: whole milliseconds ≥ 0';
  const status = (e['status'] as string | undefined) ?? 'success';
  if (!STATUSES.includes(status)) return `status: one of ${STATUSES.join(', ')}`;
  if (e['error_class'] !== undefined && e['error_class'] !== null && !str(e['error_class'], 100))
    return 'error_class: up to 100 characters';
  if (
    e['fx_rate'] !== undefined &&
    (typeof e['fx_rate'] !== 'string' || !/^\d{1,9}(\.\d{1,12})?$/.test(e['fx_rate']))
  ) {
    return 'fx_rate: a decimal string (units of USD per unit of the price currency on the usage date)';
  }
  return {
    index,
    key: e['idempotency_key'] as string,
    occurredAt,
    provider: e['provider'] as string,
    model: e['model'] as string,
    usage,
    serviceTier: tier,
    region,
    project,
    sessionId: (e['session_id'] as string | undefined) ?? null,
    latencyMs: (e['latency_ms'] as number | undefined) ?? null,
    ttftMs: (e['ttft_ms'] as number | undefined) ?? null,
    status,
    errorClass: (e['error_class'] as string | undefined) ?? null,
    fxRate: (e['fx_rate'] as string | undefined) ?? null,
  };
}

/**
 * Usage events from other apps (and, later, the gateway): validated one by one, priced at the price in force when
 * each call happened (the cost is frozen on the row), stored exactly once per (user, idempotency key), and added
 * to the daily rollup in the same statement. Events whose price is unknown are stored unpriced, with the reason.
 */
@Injectable()
export class UsageIngestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly matcher: ModelMatcherService,
    private readonly prices: PriceReadService,
    private readonly budgets: BudgetsService,
  ) {}

  async ingest(
    by: Principal,
    events: unknown[],
  ): Promise<{ results: IngestResult[]; stored: number; duplicates: number; rejected: number }> {
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_BATCH) {
      throw DomainError.badRequest('VALIDATION_FAILED', `events must be an array of 1 to ${MAX_BATCH} usage events.`, [
        { field: 'events', problems: [`1 to ${MAX_BATCH} events`] },
      ]);
    }
    const now = new Date();
    const results: IngestResult[] = [];
    const valid: ValidEvent[] = [];
    const seen = new Set<string>();
    events.forEach((raw, index) => {
      const v = validateEvent(raw, index, now);
      const key = (raw as { idempotency_key?: unknown })?.idempotency_key;
      if (typeof v === 'string') {
        results[index] = {
          index,
          idempotency_key: typeof key === 'string' ? key : null,
          status: 'rejected',
          reason: v,
        };
      } else if (seen.has(v.key)) {
        results[index] = { index, idempotency_key: v.key, status: 'duplicate', reason: 'repeated in this batch' };
      } else {
        seen.add(v.key);
        valid.push(v);
      }
    });

    const priced = await this.price(valid);
    if (priced.length) {
      const sorted = [...priced].sort((a, b) => (a.e.key < b.e.key ? -1 : 1));
      const rows: { id: string; idempotency_key: string }[] = await this.dataSource.query(
        `WITH d AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(
             idempotency_key text, api_key_id uuid, project text, session_id text, occurred_at timestamptz, provider text,
             model text, offering_id uuid, resolved_model text, service_tier text, region text, usage jsonb,
             input_tokens bigint, output_tokens bigint, total_cost numeric, breakdown jsonb, currency text, fx_rate numeric,
             price_version_id uuid, cost_error text, latency_ms int, ttft_ms int, status text, error_class text)
         ), ins AS (
           INSERT INTO usage_events (user_id, idempotency_key, api_key_id, project, session_id, occurred_at, provider, model,
                                     offering_id, resolved_model, service_tier, region, usage, input_tokens, output_tokens,
                                     total_cost, breakdown, currency, fx_rate, price_version_id, cost_error, latency_ms,
                                     ttft_ms, status, error_class)
           SELECT $2, idempotency_key, api_key_id, project, session_id, occurred_at, provider, model, offering_id,
                  resolved_model, service_tier, region, usage, input_tokens, output_tokens, total_cost, breakdown, currency,
                  fx_rate, price_version_id, cost_error, latency_ms, ttft_ms, status, error_class
             FROM d
           ON CONFLICT (user_id, idempotency_key) DO NOTHING
           RETURNING id, idempotency_key, user_id, api_key_id, project, provider, coalesce(resolved_model, model) AS rmodel,
                     currency, occurred_at, total_cost, input_tokens, output_tokens
         ), roll AS (
           INSERT INTO usage_daily (day, user_id, api_key_id, project, provider, model, currency, events, unpriced_events,
                                    input_tokens, output_tokens, cost)
           SELECT (occurred_at AT TIME ZONE 'UTC')::date, user_id, coalesce(api_key_id, '00000000-0000-0000-0000-000000000000'),
                  project, provider, rmodel, currency, count(*), count(*) FILTER (WHERE total_cost IS NULL),
                  sum(input_tokens), sum(output_tokens), coalesce(sum(total_cost), 0)
             FROM ins GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
           ON CONFLICT (day, user_id, api_key_id, project, provider, model, currency) DO UPDATE SET
             events = usage_daily.events + EXCLUDED.events,
             unpriced_events = usage_daily.unpriced_events + EXCLUDED.unpriced_events,
             input_tokens = usage_daily.input_tokens + EXCLUDED.input_tokens,
             output_tokens = usage_daily.output_tokens + EXCLUDED.output_tokens,
             cost = usage_daily.cost + EXCLUDED.cost
         )
         SELECT id::text, idempotency_key FROM ins`,
        [
          JSON.stringify(
            sorted.map(({ e, cost }) => ({
              idempotency_key: e.key,
              api_key_id: by.apiKeyId ?? null,
              project: e.project,
              session_id: e.sessionId,
              occurred_at: e.occurredAt.toISOString(),
              provider: cost.provider,
              model: e.model,
              offering_id: cost.offeringId,
              resolved_model: cost.resolvedModel,
              service_tier: e.serviceTier,
              region: e.region,
              usage: e.usage,
              input_tokens: e.usage.input_tokens ?? 0,
              output_tokens: e.usage.output_tokens ?? 0,
              total_cost: cost.total,
              breakdown: cost.breakdown,
              currency: cost.currency,
              fx_rate: cost.currency === 'USD' ? '1' : e.fxRate,
              price_version_id: cost.versionId,
              cost_error: cost.error,
              latency_ms: e.latencyMs,
              ttft_ms: e.ttftMs,
              status: e.status,
              error_class: e.errorClass,
            })),
          ),
          by.userId,
        ],
      );
      const ids = new Map(rows.map((r) => [r.idempotency_key, r.id]));
      for (const { e, cost } of priced) {
        const id = ids.get(e.key);
        results[e.index] = id
          ? {
              index: e.index,
              idempotency_key: e.key,
              status: 'stored',
              id,
              total_cost: cost.total,
              currency: cost.currency,
            }
          : { index: e.index, idempotency_key: e.key, status: 'duplicate', reason: 'already stored' };
      }
    }
    const stored = results.filter((r) => r.status === 'stored').length;
    if (stored) await this.budgets.alertFor(by, [...new Set(valid.map((v) => v.project))]);
    return {
      results,
      stored,
      duplicates: results.filter((r) => r.status === 'duplicate').length,
      rejected: results.filter((r) => r.status === 'rejected').length,
    };
  }

  /** Prices every event in memory: one match per (provider, model), one history read per offering. */
  private async price(events: ValidEvent[]) {
    const matches = new Map<string, MatchedOffering | string>();
    const histories = new Map<string, PriceVersionDto[]>();
    const out: {
      e: ValidEvent;
      cost: {
        provider: string;
        offeringId: string | null;
        resolvedModel: string | null;
        total: string | null;
        breakdown: Record<string, string> | null;
        currency: string;
        versionId: string | null;
        error: string | null;
      };
    }[] = [];
    for (const e of events) {
      const k = `${e.provider}\u0000${e.model}`;
      if (!matches.has(k)) {
        try {
          matches.set(k, await this.matcher.match(e.provider, e.model));
        } catch (err) {
          matches.set(k, err instanceof DomainError ? err.message : String(err));
        }
      }
      const m = matches.get(k) as MatchedOffering | string;
      if (typeof m === 'string') {
        out.push({
          e,
          cost: {
            provider: e.provider,
            offeringId: null,
            resolvedModel: null,
            total: null,
            breakdown: null,
            currency: 'USD',
            versionId: null,
            error: m,
          },
        });
        continue;
      }
      if (!histories.has(m.offering_id)) histories.set(m.offering_id, await this.prices.history(m.offering_id));
      const t = e.occurredAt.getTime();
      const inForce = (histories.get(m.offering_id) ?? []).filter(
        (v) =>
          v.service_tier === e.serviceTier &&
          (v.region === e.region || v.region === '') &&
          Date.parse(v.effective_from) <= t &&
          (!v.effective_to || Date.parse(v.effective_to) > t),
      );
      const version = inForce.find((v) => v.region === e.region) ?? inForce[0];
      const base = { provider: m.provider, offeringId: m.offering_id, resolvedModel: m.model_id };
      if (!version) {
        out.push({
          e,
          cost: {
            ...base,
            total: null,
            breakdown: null,
            currency: 'USD',
            versionId: null,
            error: `no ${e.serviceTier} price known at ${e.occurredAt.toISOString()}`,
          },
        });
        continue;
      }
      try {
        const r = calculateCost(
          e.usage,
          { currency: version.currency, components: version.components as RateComponent[] },
          e.occurredAt,
        );
        out.push({
          e,
          cost: {
            ...base,
            total: r.total,
            breakdown: r.breakdown,
            currency: r.currency,
            versionId: version.id,
            error: null,
          },
        });
      } catch (err) {
        const message = err instanceof UnknownPriceError ? err.message : String(err);
        out.push({
          e,
          cost: {
            ...base,
            total: null,
            breakdown: null,
            currency: version.currency,
            versionId: version.id,
            error: message,
          },
        });
      }
    }
    return out;
  }
}
