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
  reason: string;
  dryRun?: boolean;
}

export interface RepriceResult {
  run_id: string | null;
  dry_run: boolean;
  events: number;
  adjusted: number;
  newly_priced: number;
  still_unpriced: number;
  total_delta: string;
}

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
          ORDER BY e.id
          LIMIT ${MAX_EVENTS + 1}
          FOR UPDATE OF e`,
        [input.from, input.to, input.provider ?? null, input.model ?? null],
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
          JSON.stringify({ provider: input.provider ?? null, model: input.model ?? null }),
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
        after: { ...result, from: input.from.toISOString(), to: input.to.toISOString(), reason: input.reason },
      });
      this.cache.invalidate('prices');
      return result;
    });
  }
}
