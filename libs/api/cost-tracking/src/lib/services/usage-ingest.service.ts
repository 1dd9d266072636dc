import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ProjectAccess } from '@mph/api-auth';
import { DomainError, Principal } from '@mph/api-core';
import { calculateCost, normalizeUsage, RateComponent, UnknownPriceError, Usage, UsageError } from '@mph/cost-engine';
import { DataSource } from 'typeorm';
import { BudgetsService } from './budgets.service';
import { PriceCache } from './price-cache.service';
import { fxRateOffBand, fxRateProblem } from './fx-rate-check';

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

/** Usage cannot predate this year: an earlier timestamp is a client's bug (a zero date, seconds as ms). */
const MIN_YEAR = 2000;

/** Whether `YYYY-MM-DD` names a day that exists (no February 30th). */
export function realCalendarDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // not Date.UTC: it reads years 0–99 as 1900–1999
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
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
    // Date.parse rolls 2026-02-30 over to March 2: the calendar date as written must exist.
    if (!realCalendarDay(e['timestamp'].slice(0, 10))) return 'timestamp: not a real calendar day';
    occurredAt = new Date(e['timestamp']);
    if (occurredAt.getTime() > now.getTime() + 5 * 60_000) return 'timestamp: in the future';
    if (occurredAt.getUTCFullYear() < MIN_YEAR) return `timestamp: before ${MIN_YEAR} (no LLM call happened then)`;
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
  if (e['fx_rate'] !== undefined && e['fx_rate'] !== null) {
    const problem = typeof e['fx_rate'] === 'string' ? fxRateProblem(e['fx_rate']) : 'a decimal string';
    if (problem) return `fx_rate (USD per unit of the price currency on the usage date): ${problem}`;
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
    private readonly cache: PriceCache,
    private readonly budgets: BudgetsService,
    private readonly projects: ProjectAccess,
  ) {}

  /**
   * `projectsResolved`: the events name their project by the id the caller already resolved and was allowed to use
   * (the gateway, when the call started); a membership removed while the call ran must not lose its usage.
   */
  async ingest(
    by: Principal,
    events: unknown[],
    options: { projectsResolved?: boolean } = {},
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

    const usable = options.projectsResolved ? valid : await this.resolveProjects(by, valid, results);
    const priced = await this.checkRates(await this.price(usable), results);
    if (priced.length) {
      const sorted = [...priced].sort((a, b) => (a.e.key < b.e.key ? -1 : 1));
      const { events: payload, lookups } = compactRows(sorted);
      const rows: { id: string; idempotency_key: string }[] = await this.dataSource.query(
        `WITH l AS (
           SELECT * FROM json_to_recordset($3::json) AS l(
             i int, provider text, model text, offering_id uuid, resolved_model text, service_tier text, region text,
             currency text, price_version_id uuid)
         ), d AS (
           SELECT * FROM json_to_recordset($1::json) AS d(
             k text, l int, p text, s text, t timestamptz, u jsonb, c numeric, b jsonb, fx numeric, e text,
             lat int, ttft int, st text, ec text)
         ), ins AS (
           INSERT INTO usage_events (user_id, idempotency_key, api_key_id, project, session_id, occurred_at, provider, model,
                                     offering_id, resolved_model, service_tier, region, usage, input_tokens, output_tokens,
                                     total_cost, breakdown, currency, fx_rate, price_version_id, cost_error, latency_ms,
                                     ttft_ms, status, error_class)
           SELECT $2, d.k, $4::uuid, coalesce(d.p, ''), d.s, d.t, l.provider, l.model, l.offering_id, l.resolved_model,
                  l.service_tier, l.region, d.u, coalesce((d.u->>'input_tokens')::bigint, 0),
                  coalesce((d.u->>'output_tokens')::bigint, 0), d.c, d.b, l.currency,
                  CASE WHEN l.currency = 'USD' THEN 1 ELSE coalesce(d.fx, (
                    -- The rate of the usage date: the latest published on or before it, at most a week old.
                    SELECT f.usd_per_unit FROM fx_rates f
                     WHERE f.currency = l.currency AND f.day <= (d.t AT TIME ZONE 'UTC')::date
                       AND f.day > (d.t AT TIME ZONE 'UTC')::date - 7
                     ORDER BY f.day DESC LIMIT 1)) END, l.price_version_id, d.e,
                  d.lat, d.ttft, coalesce(d.st, 'success'), d.ec
             FROM d JOIN l ON l.i = d.l
            ORDER BY d.k
           ON CONFLICT (user_id, idempotency_key) DO NOTHING
           RETURNING id, idempotency_key, user_id, api_key_id, project, provider, coalesce(resolved_model, model) AS rmodel,
                     currency, occurred_at, total_cost, fx_rate, input_tokens, output_tokens
         ), roll AS (
           INSERT INTO usage_daily (day, user_id, api_key_id, project, provider, model, currency, events, unpriced_events,
                                    input_tokens, output_tokens, cost, cost_usd, unconverted_events)
           SELECT (occurred_at AT TIME ZONE 'UTC')::date, user_id, coalesce(api_key_id, '00000000-0000-0000-0000-000000000000'),
                  project, provider, rmodel, currency, count(*), count(*) FILTER (WHERE total_cost IS NULL),
                  sum(input_tokens), sum(output_tokens), coalesce(sum(total_cost), 0),
                  coalesce(sum(total_cost * fx_rate), 0), count(*) FILTER (WHERE total_cost IS NOT NULL AND fx_rate IS NULL)
             FROM ins GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
           ON CONFLICT (day, user_id, api_key_id, project, provider, model, currency) DO UPDATE SET
             events = usage_daily.events + EXCLUDED.events,
             unpriced_events = usage_daily.unpriced_events + EXCLUDED.unpriced_events,
             input_tokens = usage_daily.input_tokens + EXCLUDED.input_tokens,
             output_tokens = usage_daily.output_tokens + EXCLUDED.output_tokens,
             cost = usage_daily.cost + EXCLUDED.cost,
             cost_usd = usage_daily.cost_usd + EXCLUDED.cost_usd,
             unconverted_events = usage_daily.unconverted_events + EXCLUDED.unconverted_events
         )
         SELECT id::text, idempotency_key FROM ins`,
        [payload, by.userId, lookups, by.apiKeyId ?? null],
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
    if (stored) await this.budgets.alertFor(by, [...new Set(usable.map((v) => v.project))]);
    return {
      results,
      stored,
      duplicates: results.filter((r) => r.status === 'duplicate').length,
      rejected: results.filter((r) => r.status === 'rejected').length,
    };
  }

  /**
   * An event's project must be one its caller may use (owner or member), named by id or name; it is stored by id.
   * An unknown name is refused, never created: typing another team's project name must not spend its budget.
   */
  private async resolveProjects(by: Principal, valid: ValidEvent[], results: IngestResult[]): Promise<ValidEvent[]> {
    const named = valid.filter((v) => v.project !== '');
    if (!named.length) return valid;
    const found = await this.projects.forUseMany(
      by,
      named.map((v) => v.project),
    );
    return valid.filter((v) => {
      if (v.project === '') return true;
      const p = found.get(v.project);
      if (p && !(p instanceof DomainError)) {
        v.project = p.id;
        return true;
      }
      results[v.index] = {
        index: v.index,
        idempotency_key: v.key,
        status: 'rejected',
        reason: `project: ${p instanceof DomainError ? p.message : `no project "${v.project}" that you may use`}`,
      };
      return false;
    });
  }

  /**
   * Events that bring their own exchange rate keep it only when it is close to the rate stored for their usage day
   * (the latest on or before it, at most a week old); a rate far from it is refused, not stored. Without a stored
   * rate to compare with, the event's own rate (already held to the absolute band) is used.
   */
  private async checkRates(priced: PricedEvent[], results: IngestResult[]): Promise<PricedEvent[]> {
    const own = priced.filter((p) => p.e.fxRate !== null && p.cost.currency !== 'USD' && p.cost.total !== null);
    if (!own.length) return priced;
    const wanted = [...new Set(own.map((p) => `${p.cost.currency} ${p.e.occurredAt.toISOString().slice(0, 10)}`))];
    const rows: { k: string; rate: string }[] = await this.dataSource.query(
      `SELECT q.k, r.usd_per_unit::text AS rate
         FROM unnest($1::text[]) AS q(k)
         JOIN LATERAL (
           SELECT f.usd_per_unit FROM fx_rates f
            WHERE f.currency = split_part(q.k, ' ', 1) AND f.day <= split_part(q.k, ' ', 2)::date
              AND f.day > split_part(q.k, ' ', 2)::date - 7
            ORDER BY f.day DESC LIMIT 1) r ON true`,
      [wanted],
    );
    const stored = new Map(rows.map((r) => [r.k, r.rate]));
    const refused = new Set<PricedEvent>();
    for (const p of own) {
      const day = p.e.occurredAt.toISOString().slice(0, 10);
      const rate = stored.get(`${p.cost.currency} ${day}`);
      const problem = rate ? fxRateOffBand(p.e.fxRate as string, rate) : null;
      if (!problem) continue;
      refused.add(p);
      results[p.e.index] = {
        index: p.e.index,
        idempotency_key: p.e.key,
        status: 'rejected',
        reason: `fx_rate ${p.e.fxRate} ${problem} (${p.cost.currency}, ${day}); send the rate of that day or leave it out`,
      };
    }
    return refused.size ? priced.filter((p) => !refused.has(p)) : priced;
  }

  /** Prices every event in memory, from the price cache: no database round trip once a model has been seen. */
  private async price(events: ValidEvent[]): Promise<PricedEvent[]> {
    const out: PricedEvent[] = [];
    const prices = await this.cache.snapshot(events.map((e) => [e.provider, e.model] as const));
    for (const e of events) {
      const unpriced = { total: null, breakdown: null, currency: 'USD', versionId: null };
      const m = prices.match(e.provider, e.model);
      if (e.status === 'cached') {
        // Answered from a response cache: no provider was paid for it.
        const base =
          m instanceof DomainError
            ? { provider: e.provider, offeringId: null, resolvedModel: null }
            : { provider: m.provider, offeringId: m.offering_id, resolvedModel: m.model_id };
        out.push({ e, cost: { ...base, total: '0', breakdown: {}, currency: 'USD', versionId: null, error: null } });
        continue;
      }
      if (m instanceof DomainError) {
        out.push({
          e,
          cost: { provider: e.provider, offeringId: null, resolvedModel: null, ...unpriced, error: m.message },
        });
        continue;
      }
      const version = prices.versionAt(m.offering_id, e.occurredAt, e.serviceTier, e.region);
      const base = { provider: m.provider, offeringId: m.offering_id, resolvedModel: m.model_id };
      if (!version) {
        const error = `no ${e.serviceTier} price known at ${e.occurredAt.toISOString()}`;
        out.push({ e, cost: { ...base, ...unpriced, error } });
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
        const error = err instanceof UnknownPriceError ? err.message : String(err);
        out.push({ e, cost: { ...base, ...unpriced, currency: version.currency, versionId: version.id, error } });
      }
    }
    return out;
  }
}

interface PricedEvent {
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
}

/**
 * The insert's parameters, kept small (bytes on the wire and JSON parsing were a third of the ingest time): what
 * events share (provider, model, offering, tier, region, price version) goes once into `lookups`, each event names
 * its lookup by index, and absent values are left out (json_to_recordset reads them as NULL).
 */
export function compactRows(priced: PricedEvent[]): { events: string; lookups: string } {
  const index = new Map<string, number>();
  const lookups: object[] = [];
  const events = priced.map(({ e, cost }) => {
    const key = [cost.provider, e.model, cost.offeringId, e.serviceTier, e.region, cost.versionId, cost.currency].join(
      '\u0000',
    );
    let i = index.get(key);
    if (i === undefined) {
      i = lookups.length;
      index.set(key, i);
      lookups.push({
        i,
        provider: cost.provider,
        model: e.model,
        offering_id: cost.offeringId,
        resolved_model: cost.resolvedModel,
        service_tier: e.serviceTier,
        region: e.region,
        currency: cost.currency,
        price_version_id: cost.versionId,
      });
    }
    return {
      k: e.key,
      l: i,
      p: e.project || undefined,
      s: e.sessionId ?? undefined,
      t: e.occurredAt.toISOString(),
      u: e.usage,
      c: cost.total ?? undefined,
      b: cost.breakdown ?? undefined,
      fx: e.fxRate ?? undefined,
      e: cost.error ?? undefined,
      lat: e.latencyMs ?? undefined,
      ttft: e.ttftMs ?? undefined,
      st: e.status === 'success' ? undefined : e.status,
      ec: e.errorClass ?? undefined,
    };
  });
  return { events: JSON.stringify(events), lookups: JSON.stringify(lookups) };
}
