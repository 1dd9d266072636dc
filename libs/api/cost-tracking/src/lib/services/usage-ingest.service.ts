import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ProjectAccess } from '@mph/api-auth';
import { DomainError, Principal, query } from '@mph/api-core';
import { PricingReadModel, UsageCost } from '@mph/api-pricing';
import { DataSource } from 'typeorm';
import { BudgetAlerts } from './budget-alerts.service';
import { fxRateOffBand } from './fx-rate-check';
import { IngestResult, MAX_BATCH, UsageEvent, validateEvent } from './usage-event';
import { addToDaily } from './usage-rollup';

export { MAX_BATCH, realCalendarDay, validateEvent } from './usage-event';
export type { IngestResult, UsageEvent } from './usage-event';

/** A usage event with its cost decided: by ingest for other apps, by the gateway for its own calls. */
export interface PricedEvent {
  e: UsageEvent;
  cost: UsageCost;
}

export interface IngestSummary {
  results: IngestResult[];
  stored: number;
  duplicates: number;
  rejected: number;
}

/**
 * Usage events, stored exactly once per (user, idempotency key) with their cost frozen on the row and added to the
 * daily rollup in the same statement. Events from other apps are validated one by one and priced here (through the
 * pricing read model, at the price in force when each call happened); the gateway hands over events it already
 * priced (`store`). Events whose price is unknown are stored unpriced, with the reason.
 */
@Injectable()
export class UsageIngestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pricing: PricingReadModel,
    private readonly budgets: BudgetAlerts,
    private readonly projects: ProjectAccess,
  ) {}

  /** Events as other apps send them (`POST /usage/events`): validated, projects resolved, priced, stored. */
  async ingest(by: Principal, events: unknown[]): Promise<IngestSummary> {
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_BATCH) {
      throw DomainError.badRequest('VALIDATION_FAILED', `events must be an array of 1 to ${MAX_BATCH} usage events.`, [
        { field: 'events', problems: [`1 to ${MAX_BATCH} events`] },
      ]);
    }
    const now = new Date();
    const results: IngestResult[] = [];
    const valid: UsageEvent[] = [];
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
    const usable = await this.resolveProjects(by, valid, results);
    const priced = await this.checkRates(await this.price(usable), results);
    return this.write(by, priced, results);
  }

  /**
   * Events already validated and priced by their producer (the gateway): their project is the id the caller was
   * allowed to use when the call started (a membership removed while the call ran must not lose its usage). Each
   * event's `index` is its position in `priced`.
   */
  store(by: Principal, priced: PricedEvent[]): Promise<IngestSummary> {
    return this.write(by, priced, []);
  }

  private async write(by: Principal, priced: PricedEvent[], results: IngestResult[]): Promise<IngestSummary> {
    if (priced.length) {
      const sorted = [...priced].sort((a, b) => (a.e.key < b.e.key ? -1 : 1));
      const { events: payload, lookups } = compactRows(sorted);
      const rows = await query<{ id: string; idempotency_key: string }>(this.dataSource, INSERT_EVENTS, [
        payload,
        by.userId,
        lookups,
        by.apiKeyId ?? null,
      ]);
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
    if (stored) await this.budgets.alertFor(by, [...new Set(priced.map((p) => p.e.project))]);
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
  private async resolveProjects(by: Principal, valid: UsageEvent[], results: IngestResult[]): Promise<UsageEvent[]> {
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
    const rows = await query<{ k: string; rate: string }>(
      this.dataSource,
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

  /** Prices every event in memory from one snapshot of the read model: no round trip once a model has been seen. */
  private async price(events: UsageEvent[]): Promise<PricedEvent[]> {
    const prices = await this.pricing.snapshot(events.map((e) => [e.provider, e.model] as const));
    return events.map((e) => {
      const match = prices.resolve(e.provider, e.model);
      const price =
        match instanceof DomainError ? null : prices.priceAt(match.offering_id, e.occurredAt, e.serviceTier, e.region);
      const cost = this.pricing.usageCost(match, price, {
        usage: e.usage,
        at: e.occurredAt,
        serviceTier: e.serviceTier,
        status: e.status,
      });
      return { e, cost };
    });
  }
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
    const provider = cost.offering?.provider ?? e.provider;
    const offeringId = cost.offering?.offering_id ?? null;
    const key = [provider, e.model, offeringId, e.serviceTier, e.region, cost.versionId, cost.currency].join('\u0000');
    let i = index.get(key);
    if (i === undefined) {
      i = lookups.length;
      index.set(key, i);
      lookups.push({
        i,
        provider,
        model: e.model,
        offering_id: offeringId,
        resolved_model: cost.offering?.model_id ?? null,
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

/**
 * Stores a batch in one statement: events inserted once per (user, idempotency key) (a repeat is skipped), then the
 * inserted ones added to the daily rollup. $1 = events, $2 = user, $3 = lookups (see compactRows), $4 = API key.
 */
const INSERT_EVENTS = `WITH l AS (
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
    ${addToDaily(`SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, user_id, api_key_id, project, provider,
                         rmodel AS model, currency, 1 AS events, (total_cost IS NULL)::int AS unpriced_events,
                         input_tokens, output_tokens, coalesce(total_cost, 0) AS cost,
                         coalesce(total_cost * fx_rate, 0) AS cost_usd,
                         (total_cost IS NOT NULL AND fx_rate IS NULL)::int AS unconverted_events
                    FROM ins`)}
  )
  SELECT id::text, idempotency_key FROM ins`;
