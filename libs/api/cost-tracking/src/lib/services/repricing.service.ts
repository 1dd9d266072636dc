import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, AuditService } from '@mph/api-auth';
import { DomainError, execute, Principal, query, ResponseCache } from '@mph/api-core';
import { PricingReadModel } from '@mph/api-pricing';
import { Dec, Usage } from '@mph/cost-engine';
import { DataSource } from 'typeorm';
import { addToDaily, DAILY_DELTAS, DailyDelta } from './usage-rollup';

export interface RepriceInput {
  from: Date;
  to: Date;
  provider?: string;
  model?: string;
  offeringId?: string;
  reason: string;
  dryRun?: boolean;
}

export interface RepriceChange {
  event_id: string;
  occurred_at: string;
  provider: string;
  model: string;
  old_cost: string | null;
  new_cost: string;
  delta: string;
  currency: string;
}

export interface RepriceResult {
  run_id: string | null;
  dry_run: boolean;
  events: number;
  adjusted: number;
  newly_priced: number;
  still_unpriced: number;
  total_delta: string;
  /** The change per currency: calls keep their own currency, so a window that mixes them has one total each. */
  totals: { currency: string; adjusted: number; delta: string }[];
  /** Per provider and model: how many calls change and by how much (largest moves first, at most 50). */
  by_model: { provider: string; model: string; adjusted: number; delta: string; currency: string }[];
  /** The calls that move most (at most 20), so a preview can be checked call by call. */
  largest: RepriceChange[];
}

/** How many per-model rows and single calls a result lists. */
const BY_MODEL_ROWS = 50;
const LARGEST_CALLS = 20;

/** Largest window one request re-prices (the events are read at once). */
const MAX_EVENTS = 200_000;

/**
 * Re-prices a window of usage after a price correction: each event's cost is computed again with the price history
 * as it is now (at the event's own instant). Events keep their original cost; every difference becomes an adjustment
 * row and moves the daily rollup by the same delta, in one transaction, audited.
 */
@Injectable()
export class RepricingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pricing: PricingReadModel,
    private readonly audit: AuditService,
    private readonly cache: ResponseCache,
  ) {}

  async reprice(by: Principal, input: RepriceInput): Promise<RepriceResult> {
    if (input.to <= input.from) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'to must be after from.', [
        { field: 'to', problems: ['after from'] },
      ]);
    }
    return this.dataSource.transaction(async (m) => {
      const events = await query<{
        id: string;
        occurred_at: Date;
        offering_id: string | null;
        service_tier: string;
        region: string;
        usage: Usage;
        cost: string | null;
        user_id: string;
        api_key_id: string | null;
        project: string;
        provider: string;
        rmodel: string;
        currency: string;
        fx_rate: string | null;
      }>(
        m,
        `SELECT e.id::text, e.occurred_at, e.offering_id, e.service_tier, e.region, e.usage, e.user_id, e.api_key_id, e.project,
                e.provider, coalesce(e.resolved_model, e.model) AS rmodel, e.currency, e.fx_rate::text AS fx_rate,
                (CASE WHEN e.total_cost IS NULL AND NOT EXISTS (SELECT 1 FROM usage_adjustments a WHERE a.event_id = e.id)
                      THEN NULL
                      ELSE coalesce(e.total_cost, 0) + coalesce((SELECT sum(a.delta) FROM usage_adjustments a WHERE a.event_id = e.id), 0)
                 END)::text AS cost
           FROM usage_events e
          WHERE e.occurred_at >= $1 AND e.occurred_at < $2 AND e.offering_id IS NOT NULL
            AND ($3::text IS NULL OR e.provider = $3) AND ($4::text IS NULL OR e.resolved_model = $4 OR e.model = $4)
            AND ($5::uuid IS NULL OR e.offering_id = $5)
          ORDER BY e.id
          LIMIT ${MAX_EVENTS + 1}
          FOR UPDATE OF e`,
        [input.from, input.to, input.provider ?? null, input.model ?? null, input.offeringId ?? null],
      );
      if (events.length > MAX_EVENTS) {
        throw DomainError.badRequest(
          'WINDOW_TOO_LARGE',
          `More than ${MAX_EVENTS} events in this window: re-price a shorter one.`,
        );
      }
      // Read fresh (not from the cache): a correction may have committed a moment ago.
      const prices = await this.pricing.snapshot(
        [],
        events.map((e) => e.offering_id as string),
        { fresh: true },
      );
      const adjustments: {
        event_id: string;
        old: string | null;
        new: string | null;
        delta: string;
        version: string | null;
      }[] = [];
      const changed: Changed[] = [];
      const rollup = new Map<
        string,
        { e: (typeof events)[number]; delta: Dec; deltaUsd: Dec; priced: number; unconverted: number }
      >();
      let newlyPriced = 0;
      let stillUnpriced = 0;
      for (const e of events) {
        const price = prices.priceAt(e.offering_id as string, e.occurred_at, e.service_tier, e.region);
        let fresh: string | null = null;
        if (price && price.currency === e.currency.trim()) {
          try {
            fresh = this.pricing.cost(e.usage, price, e.occurred_at).total;
          } catch {
            fresh = null;
          }
        }
        const version = price?.version ?? null;
        if (fresh === null) {
          if (e.cost === null) stillUnpriced++;
          continue;
        }
        const old = e.cost;
        if (old !== null && new Dec(old).equals(fresh)) continue;
        const delta = new Dec(fresh).minus(old ?? 0);
        if (old === null) newlyPriced++;
        adjustments.push({ event_id: e.id, old, new: fresh, delta: delta.toFixed(), version: version?.id ?? null });
        changed.push({ e, old, fresh, delta });
        const day = e.occurred_at.toISOString().slice(0, 10);
        const key = [day, e.user_id, e.api_key_id ?? '', e.project, e.provider, e.rmodel, e.currency].join('\u0001');
        const cur = rollup.get(key) ?? { e, delta: new Dec(0), deltaUsd: new Dec(0), priced: 0, unconverted: 0 };
        cur.delta = cur.delta.plus(delta);
        // The USD value moves at the rate stored on the event (its usage date's); without one it stays unknown.
        if (e.fx_rate !== null) cur.deltaUsd = cur.deltaUsd.plus(delta.times(e.fx_rate));
        else if (old === null) cur.unconverted++;
        if (old === null) cur.priced++;
        rollup.set(key, cur);
      }
      const totalDelta = adjustments.reduce((sum, a) => sum.plus(a.delta), new Dec(0));
      const result: RepriceResult = {
        run_id: null,
        dry_run: input.dryRun === true,
        events: events.length,
        adjusted: adjustments.length,
        newly_priced: newlyPriced,
        still_unpriced: stillUnpriced,
        total_delta: totalDelta.toFixed(),
        ...summarise(changed),
      };
      if (input.dryRun) return result;
      const [run] = await query<{ id: string }>(
        m,
        `INSERT INTO repricing_runs (started_by, window_from, window_to, filters, reason, counts)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [
          by.email,
          input.from,
          input.to,
          JSON.stringify({
            provider: input.provider ?? null,
            model: input.model ?? null,
            offering_id: input.offeringId ?? null,
          }),
          input.reason,
          JSON.stringify(result),
        ],
      );
      result.run_id = run.id;
      if (adjustments.length) {
        await execute(
          m,
          `INSERT INTO usage_adjustments (event_id, run_id, old_cost, new_cost, delta, price_version_id)
           SELECT d.event_id, $2, d.old, d.new, d.delta, d.version
             FROM jsonb_to_recordset($1::jsonb) AS d(event_id bigint, old numeric, new numeric, delta numeric, version uuid)`,
          [JSON.stringify(adjustments), run.id],
        );
        const deltas: DailyDelta[] = [...rollup.values()].map(({ e, delta, deltaUsd, priced, unconverted }) => ({
          day: e.occurred_at.toISOString().slice(0, 10),
          user_id: e.user_id,
          api_key_id: e.api_key_id,
          project: e.project,
          provider: e.provider,
          model: e.rmodel,
          currency: e.currency,
          events: 0,
          unpriced_events: -priced,
          input_tokens: 0,
          output_tokens: 0,
          cost: delta.toFixed(),
          cost_usd: deltaUsd.toFixed(),
          unconverted_events: unconverted,
        }));
        await execute(m, addToDaily(DAILY_DELTAS), [JSON.stringify(deltas)]);
      }
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'costs.repriced',
        targetType: 'repricing_run',
        targetId: run.id,
        after: {
          ...result,
          largest: undefined,
          from: input.from.toISOString(),
          to: input.to.toISOString(),
          reason: input.reason,
        },
      });
      this.cache.invalidate('prices');
      return result;
    });
  }
}

type Changed = {
  e: { id: string; occurred_at: Date; provider: string; rmodel: string; currency: string; fx_rate: string | null };
  old: string | null;
  fresh: string;
  delta: Dec;
};

/** A change's size for ordering: in USD at the call's stored rate when it has one (100 JPY is not 100 USD). */
const sizeOf = (c: Changed) => {
  const abs = c.delta.abs();
  return c.e.currency.trim() === 'USD' || c.e.fx_rate === null ? abs : abs.times(c.e.fx_rate);
};

/** The totals per currency and per model, and the largest single moves of a re-pricing, largest change first. */
function summarise(changed: Changed[]): Pick<RepriceResult, 'totals' | 'by_model' | 'largest'> {
  const totals = new Map<string, { currency: string; adjusted: number; delta: Dec }>();
  for (const c of changed) {
    const currency = c.e.currency.trim();
    const t = totals.get(currency) ?? { currency, adjusted: 0, delta: new Dec(0) };
    t.adjusted++;
    t.delta = t.delta.plus(c.delta);
    totals.set(currency, t);
  }
  const groups = new Map<string, { provider: string; model: string; currency: string; adjusted: number; delta: Dec }>();
  for (const c of changed) {
    const currency = c.e.currency.trim();
    const key = [c.e.provider, c.e.rmodel, currency].join('\u0001');
    const g = groups.get(key) ?? {
      provider: c.e.provider,
      model: c.e.rmodel,
      currency,
      adjusted: 0,
      delta: new Dec(0),
    };
    g.adjusted++;
    g.delta = g.delta.plus(c.delta);
    groups.set(key, g);
  }
  const byModel = [...groups.values()]
    .sort((a, b) => b.delta.abs().comparedTo(a.delta.abs()) || b.adjusted - a.adjusted)
    .slice(0, BY_MODEL_ROWS)
    .map((g) => ({ ...g, delta: g.delta.toFixed() }));
  const largest = [...changed]
    .sort((a, b) => sizeOf(b).comparedTo(sizeOf(a)) || Number(a.e.id) - Number(b.e.id))
    .slice(0, LARGEST_CALLS)
    .map((c) => ({
      event_id: c.e.id,
      occurred_at: c.e.occurred_at.toISOString(),
      provider: c.e.provider,
      model: c.e.rmodel,
      old_cost: c.old,
      new_cost: c.fresh,
      delta: c.delta.toFixed(),
      currency: c.e.currency.trim(),
    }));
  return {
    totals: [...totals.values()]
      .sort((a, b) => a.currency.localeCompare(b.currency))
      .map((t) => ({ ...t, delta: t.delta.toFixed() })),
    by_model: byModel,
    largest,
  };
}
