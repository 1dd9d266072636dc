import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, AuditService } from '@mph/api-auth';
import { DomainError, execute, Principal, query } from '@mph/api-core';
import { OfferingDirectoryService } from '@mph/api-catalog';
import { DataSource } from 'typeorm';
import { Money } from '../decimal';

/** A source whose last successful run is older than this is flagged stale. */
export const STALE_AFTER_HOURS = 48;

interface ObservationRow {
  offering_id: string;
  service_tier: string;
  region: string;
  currency: string;
  components: { unit: string; amount: string; prompt_tokens_above: number; window_start: string | null }[];
  observed_at: Date;
  source: string;
  source_id: string;
  provider: string;
  provider_model_id: string;
  model_id: string;
}

export interface SourceHealth {
  source_id: string;
  name: string;
  adapter: string;
  last_success_at: string | null;
  stale: boolean;
}

export interface Disagreement {
  offering_id: string;
  model_id: string;
  provider: string;
  provider_model_id: string;
  service_tier: string;
  region: string;
  truth_source: string | null;
  current_source: string | null;
  /** Largest relative difference between sources on input or output (percent, 2 decimals); null: free vs paid. */
  max_diff_pct: string | null;
  /** Per unit the sources state (base prices): lowest, highest and their difference in percent. */
  units: { unit: string; min: string; max: string; diff_pct: string | null; sources: number }[];
  observations: {
    source: string;
    currency: string;
    input: string | null;
    output: string | null;
    amounts: { unit: string; amount: string }[];
    observed_since: string;
    stale: boolean;
    /** Why it is stale: the source has not run successfully lately, or its feed no longer lists this offering. */
    stale_reason: string | null;
  }[];
}

/** Units compared per offering (base prices: no prompt tier, no time window). */
const RECONCILED = ['input', 'output', 'cache_read', 'cache_write'];

const base = (row: ObservationRow, unit: string) =>
  row.components.find((c) => c.unit === unit && !Number(c.prompt_tokens_above) && !c.window_start)?.amount ?? null;

/** Where sources disagree about the same offering, how fresh each source is, and the source of truth per provider. */
@Injectable()
export class ReconciliationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly offerings: OfferingDirectoryService,
  ) {}

  async sources(): Promise<SourceHealth[]> {
    const rows = await query<{ id: string; name: string; adapter: string; last: Date | null }>(
      this.dataSource,
      `SELECT s.id, s.name, s.adapter,
              (SELECT max(r.finished_at) FROM sync_runs r
                WHERE r.source_id = s.id AND r.status IN ('succeeded', 'approved') AND NOT r.dry_run) AS last
         FROM sync_sources s WHERE s.deleted_at IS NULL ORDER BY s.name`,
    );
    const cutoff = Date.now() - STALE_AFTER_HOURS * 3600_000;
    return rows.map((r) => ({
      source_id: r.id,
      name: r.name,
      adapter: r.adapter,
      last_success_at: r.last?.toISOString() ?? null,
      stale: !r.last || r.last.getTime() < cutoff,
    }));
  }

  async disagreements(q: {
    minDiffPct: string;
    provider?: string;
    offset: number;
    limit: number;
  }): Promise<{ rows: Disagreement[]; total: number; sources: SourceHealth[] }> {
    const sources = await this.sources();
    const staleByName = new Map(sources.map((s) => [s.name, s.stale]));
    // Observations of an offering by more than one live source; the offerings (live ones only) from the catalog.
    const observed = await query<Omit<ObservationRow, 'provider' | 'provider_model_id' | 'model_id'>>(
      this.dataSource,
      `SELECT o.offering_id::text AS offering_id, o.service_tier, o.region, o.currency, o.components, o.observed_at,
              s.name AS source, s.id AS source_id
         FROM sync_observations o
         JOIN sync_sources s ON s.id = o.source_id AND s.deleted_at IS NULL
        WHERE (o.offering_id, o.service_tier, o.region) IN (
                SELECT x.offering_id, x.service_tier, x.region FROM sync_observations x
                  JOIN sync_sources xs ON xs.id = x.source_id AND xs.deleted_at IS NULL
                 GROUP BY 1, 2, 3 HAVING count(*) > 1)`,
    );
    const offerings = await this.offerings.byIds(observed.map((r) => r.offering_id));
    // A source's report is stale when its feed no longer lists the offering (kept for history, not current).
    const gone = await query<{ source_id: string; offering_id: string; missing_since: Date }>(
      this.dataSource,
      `SELECT source_id::text, offering_id::text, missing_since FROM sync_source_offerings
        WHERE missing_since IS NOT NULL AND offering_id = ANY($1::uuid[])`,
      [[...new Set(observed.map((r) => r.offering_id))]],
    );
    const missing = new Map(gone.map((g) => [`${g.source_id}|${g.offering_id}`, g.missing_since]));
    const rows: ObservationRow[] = observed.flatMap((r) => {
      const f = offerings.get(r.offering_id);
      if (!f || (q.provider !== undefined && q.provider !== null && f.provider !== q.provider)) return [];
      return [{ ...r, provider: f.provider, provider_model_id: f.provider_model_id, model_id: f.model_id }];
    });
    const order = (r: ObservationRow) => [
      r.model_id,
      r.provider,
      r.provider_model_id,
      r.service_tier,
      r.region,
      r.source,
    ];
    rows.sort((a, b) => {
      const [x, y] = [order(a), order(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
      return 0;
    });
    const groups = new Map<string, ObservationRow[]>();
    for (const r of rows) {
      const k = `${r.offering_id}|${r.service_tier}|${r.region}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    const threshold = new Money(q.minDiffPct);
    const found: { d: Disagreement; rank: Money }[] = [];
    for (const list of groups.values()) {
      let worst = new Money(0);
      let freeVsPaid = false;
      const units: Disagreement['units'] = [];
      for (const unit of RECONCILED) {
        const amounts = list
          .map((r) => base(r, unit))
          .filter((a): a is string => a !== null)
          .map((a) => new Money(a));
        if (amounts.length < 2) continue;
        const min = Money.min(...amounts);
        const max = Money.max(...amounts);
        const pct = min.isZero() ? null : max.minus(min).div(min).times(100);
        units.push({
          unit,
          min: min.toFixed(),
          max: max.toFixed(),
          diff_pct: min.isZero() && !max.isZero() ? null : (pct ?? new Money(0)).toDecimalPlaces(2).toFixed(),
          sources: amounts.length,
        });
        // Input and output decide whether the offering is listed (cache prices often differ by design).
        if (unit !== 'input' && unit !== 'output') continue;
        if (min.isZero()) {
          if (!max.isZero()) freeVsPaid = true;
          continue;
        }
        if (pct && pct.gt(worst)) worst = pct;
      }
      const currencies = new Set(list.map((r) => r.currency));
      if (!freeVsPaid && currencies.size === 1 && !worst.gt(threshold)) continue;
      const first = list[0];
      found.push({
        rank: freeVsPaid ? new Money(Infinity) : worst,
        d: {
          offering_id: first.offering_id,
          model_id: first.model_id,
          provider: first.provider,
          provider_model_id: first.provider_model_id,
          service_tier: first.service_tier,
          region: first.region,
          truth_source: null,
          current_source: null,
          max_diff_pct: freeVsPaid ? null : worst.toDecimalPlaces(2).toFixed(),
          units,
          observations: list.map((r) => {
            const gone = missing.get(`${r.source_id}|${r.offering_id}`);
            const sourceStale = staleByName.get(r.source) ?? true;
            return {
              source: r.source,
              currency: r.currency.trim(),
              input: base(r, 'input'),
              output: base(r, 'output'),
              amounts: RECONCILED.flatMap((unit) => {
                const amount = base(r, unit);
                return amount === null ? [] : [{ unit, amount }];
              }),
              observed_since: r.observed_at.toISOString(),
              stale: sourceStale || gone !== undefined,
              stale_reason: gone
                ? `${r.source} no longer lists this offering (since ${gone.toISOString().slice(0, 10)})`
                : sourceStale
                  ? `${r.source} has not run successfully in ${STALE_AFTER_HOURS} hours`
                  : null,
            };
          }),
        },
      });
    }
    found.sort((a, b) => b.rank.comparedTo(a.rank) || a.d.model_id.localeCompare(b.d.model_id));
    const page = found.slice(q.offset, q.offset + q.limit).map((f) => f.d);
    if (page.length) {
      const extra = await query<{
        offering_id: string;
        service_tier: string;
        region: string;
        current: string | null;
        truth: string | null;
      }>(
        this.dataSource,
        `SELECT d.offering_id, d.service_tier, d.region,
                  (SELECT v.source FROM price_versions v WHERE v.offering_id = d.offering_id AND v.service_tier = d.service_tier
                      AND v.region = d.region AND v.effective_from <= now() AND (v.effective_to IS NULL OR v.effective_to > now())) AS current,
                  (SELECT s.name FROM provider_truth t JOIN sync_sources s ON s.id = t.source_id
                     WHERE t.provider_slug = d.provider) AS truth
             FROM jsonb_to_recordset($1::jsonb) AS d(offering_id uuid, provider text, service_tier text, region text)`,
        [
          JSON.stringify(
            page.map((p) => ({
              offering_id: p.offering_id,
              provider: p.provider,
              service_tier: p.service_tier,
              region: p.region,
            })),
          ),
        ],
      );
      for (const p of page) {
        const e = extra.find(
          (x) => x.offering_id === p.offering_id && x.service_tier === p.service_tier && x.region === p.region,
        );
        p.current_source = e?.current ?? null;
        p.truth_source = e?.truth ?? null;
      }
    }
    return { rows: page, total: found.length, sources };
  }

  async truths(): Promise<
    { provider: string; source_id: string; source_name: string; chosen_by: string; chosen_at: string }[]
  > {
    const rows = await query<{
      provider_slug: string;
      source_id: string;
      name: string;
      chosen_by: string;
      chosen_at: Date;
    }>(
      this.dataSource,
      `SELECT t.provider_slug, t.source_id, s.name, t.chosen_by, t.chosen_at
           FROM provider_truth t JOIN sync_sources s ON s.id = t.source_id ORDER BY t.provider_slug`,
    );
    return rows.map((r) => ({
      provider: r.provider_slug,
      source_id: r.source_id,
      source_name: r.name,
      chosen_by: r.chosen_by,
      chosen_at: r.chosen_at.toISOString(),
    }));
  }

  /** From now on only this source writes the provider's prices; the others' reports stay visible here. */
  async chooseTruth(by: Principal, provider: string, sourceId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      if (!(await this.offerings.providerExists(provider, m)))
        throw DomainError.notFound('VENDOR_NOT_FOUND', `No provider "${provider}".`);
      const [source] = await query<{ name: string }>(
        m,
        `SELECT name FROM sync_sources WHERE id = $1 AND deleted_at IS NULL`,
        [sourceId],
      );
      if (!source) throw DomainError.notFound('SYNC_SOURCE_NOT_FOUND', `No sync source ${sourceId}.`);
      const [before] = await query<{ name: string }>(
        m,
        `SELECT s.name FROM provider_truth t JOIN sync_sources s ON s.id = t.source_id WHERE t.provider_slug = $1`,
        [provider],
      );
      await execute(
        m,
        `INSERT INTO provider_truth (provider_slug, source_id, chosen_by, chosen_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (provider_slug) DO UPDATE SET source_id = EXCLUDED.source_id, chosen_by = EXCLUDED.chosen_by, chosen_at = now()`,
        [provider, sourceId, by.email],
      );
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'sync.truth_chosen',
        targetType: 'vendor',
        targetId: provider,
        before: before ? { source: before.name } : null,
        after: { source: source.name },
      });
    });
  }

  async clearTruth(by: Principal, provider: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const [before] = await query<{ name: string }>(
        m,
        `DELETE FROM provider_truth t USING sync_sources s WHERE t.provider_slug = $1 AND s.id = t.source_id RETURNING s.name`,
        [provider],
      );
      if (!before) throw DomainError.notFound('TRUTH_NOT_SET', `No source of truth is set for "${provider}".`);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'sync.truth_cleared',
        targetType: 'vendor',
        targetId: provider,
        before: { source: before.name },
      });
    });
  }
}
