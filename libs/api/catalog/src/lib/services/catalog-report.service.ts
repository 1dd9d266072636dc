import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { query } from '@mph/api-core';
import { DataSource } from 'typeorm';
import { nameKey, sameCreator } from '../identity/model-names';

export interface CountBy {
  key: string;
  count: number;
}

/** The catalog's side of the identity report: models, offerings, how they were linked, what stays unresolved. */
export interface CatalogIdentityReport {
  models: { live: number; with_offerings: number; merged: number; by_source: CountBy[] };
  offerings: { live: number; pinned: number; by_basis: CountBy[]; with_variant: number; with_aliases: number };
  offerings_per_model: { buckets: CountBy[]; top: { model_id: string; offerings: number; providers: number }[] };
  /**
   * Offerings whose model nothing else links to: a new model made from one third party's id (its creator does not
   * serve it, and no other provider or feed names it). First-party models only their maker serves are not counted.
   */
  unresolved: {
    total: number;
    by_reason: CountBy[];
    sample: { provider: string; provider_model_id: string; model_id: string; reason: string }[];
  };
  /** Offerings whose id matched more than one catalog model: the first (most offerings, downloads) was taken. */
  ambiguous: {
    total: number;
    sample: { provider: string; provider_model_id: string; model_id: string; alternatives: string[] }[];
  };
  /** Capability fields where feeds state different values for the same model (the shown one follows precedence). */
  capability_conflicts: {
    models: number;
    by_field: CountBy[];
    sample: { model_id: string; field: string; values: { source: string; value: unknown }[] }[];
  };
}

const BUCKETS: [string, number, number][] = [
  ['1', 1, 1],
  ['2–4', 2, 4],
  ['5–9', 5, 9],
  ['10–19', 10, 19],
  ['20+', 20, Infinity],
];

/** Reads for the catalog report (`GET /catalog-report`, `mph report`): counts over the whole catalog. */
@Injectable()
export class CatalogReportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every live offering's id (for reports that count per offering what other libs hold). */
  async liveOfferingIds(): Promise<string[]> {
    const rows = await query<{ id: string }>(
      this.dataSource,
      `SELECT id::text FROM offerings WHERE deleted_at IS NULL`,
    );
    return rows.map((r) => r.id);
  }

  async identity(sampleSize = 20): Promise<CatalogIdentityReport> {
    const db = this.dataSource;
    const [[counts], bySource, byBasis, perModel, top, single, ambiguous, conflicts, servedModels] = await Promise.all([
      query<{
        live: number;
        with_offerings: number;
        merged: number;
        offerings: number;
        pinned: number;
        variant: number;
        aliased: number;
      }>(
        db,
        `SELECT (SELECT count(*)::int FROM models WHERE deleted_at IS NULL) AS live,
                (SELECT count(DISTINCT model_id)::int FROM offerings WHERE deleted_at IS NULL) AS with_offerings,
                (SELECT count(*)::int FROM models WHERE merged_into IS NOT NULL) AS merged,
                (SELECT count(*)::int FROM offerings WHERE deleted_at IS NULL) AS offerings,
                (SELECT count(*)::int FROM offerings WHERE deleted_at IS NULL AND identity_pinned) AS pinned,
                (SELECT count(*)::int FROM offerings WHERE deleted_at IS NULL AND variant IS NOT NULL) AS variant,
                (SELECT count(*)::int FROM offerings WHERE deleted_at IS NULL AND cardinality(aliases) > 0) AS aliased`,
      ),
      query<CountBy>(
        db,
        `SELECT source AS key, count(*)::int AS count FROM models WHERE deleted_at IS NULL GROUP BY 1 ORDER BY 2 DESC, 1`,
      ),
      query<CountBy>(
        db,
        `SELECT coalesce(identity->>'basis', 'legacy') AS key, count(*)::int AS count
           FROM offerings WHERE deleted_at IS NULL GROUP BY 1 ORDER BY 2 DESC, 1`,
      ),
      query<{ n: number; models: number }>(
        db,
        `SELECT n, count(*)::int AS models FROM (
           SELECT count(*)::int AS n FROM offerings WHERE deleted_at IS NULL GROUP BY model_id) x GROUP BY n`,
      ),
      query<{ model_id: string; offerings: number; providers: number }>(
        db,
        `SELECT model_id, count(*)::int AS offerings, count(DISTINCT provider_slug)::int AS providers
           FROM offerings WHERE deleted_at IS NULL GROUP BY model_id ORDER BY 3 DESC, 2 DESC, 1 LIMIT 10`,
      ),
      query<{ provider: string; provider_model_id: string; model_id: string; basis: string }>(
        db,
        `SELECT o.provider_slug AS provider, o.provider_model_id, o.model_id, coalesce(o.identity->>'basis', 'legacy') AS basis
           FROM offerings o
          WHERE o.deleted_at IS NULL AND coalesce(o.identity->>'basis', 'legacy') IN ('new', 'legacy')
            AND NOT EXISTS (SELECT 1 FROM offerings p WHERE p.model_id = o.model_id AND p.id <> o.id AND p.deleted_at IS NULL)
          ORDER BY 1, 2`,
      ),
      query<{ provider: string; provider_model_id: string; model_id: string; alternatives: string[] }>(
        db,
        `SELECT provider_slug AS provider, provider_model_id, model_id,
                ARRAY(SELECT jsonb_array_elements_text(identity->'alternatives')) AS alternatives
           FROM offerings
          WHERE deleted_at IS NULL AND jsonb_typeof(identity->'alternatives') = 'array'
            AND jsonb_array_length(identity->'alternatives') > 0
          ORDER BY 1, 2`,
      ),
      query<{ model_id: string; field: string; values: { source: string; value: unknown }[] }>(
        db,
        `SELECT f.model_id, f.field, jsonb_agg(jsonb_build_object('source', f.source, 'value', f.value) ORDER BY f.source) AS values
           FROM model_capability_facts f JOIN models m ON m.id = f.model_id AND m.deleted_at IS NULL
          WHERE f.source <> 'operator'
          GROUP BY 1, 2 HAVING count(DISTINCT f.value) > 1
          ORDER BY 1, 2`,
      ),
      query<{ model_id: string }>(
        db,
        `SELECT model_id FROM offerings WHERE deleted_at IS NULL GROUP BY 1 HAVING count(DISTINCT provider_slug) > 1`,
      ),
    ]);
    // Models several providers serve, by name key: an unresolved id whose key starts with one of them looks like a
    // serving variant of it (`-thinking`, `-fp8`, `-turbo` …) that no rule folds.
    const served = new Map<string, string>();
    for (const t of servedModels) served.set(nameKey(t.model_id), t.model_id);
    const variantOf = (modelId: string): string | null => {
      const key = nameKey(modelId);
      for (let i = key.length - 1; i >= 4; i--) {
        const hit = served.get(key.slice(0, i));
        if (hit && hit !== modelId) return hit;
      }
      return null;
    };
    const unresolved = single.flatMap((o) => {
      const creator = o.model_id.split('/')[0];
      // A maker's own model that only the maker serves is resolved: there is nothing else to link it to.
      if (sameCreator(creator, o.provider)) return [];
      const base = variantOf(o.model_id);
      const [kind, detail] =
        o.basis === 'legacy'
          ? ['placed before identities were recorded', '']
          : creator.toLowerCase() === o.provider.toLowerCase()
            ? ['creator unknown', "named after the provider: no feed link, no known maker's prefix"]
            : base
              ? ['looks like a variant of a served model', `${base} plus a suffix no rule folds`]
              : ['only this provider serves it', 'no other provider or feed names it'];
      return [{ ...o, kind, reason: detail ? `${kind}: ${detail}` : kind }];
    });
    const byReason = new Map<string, number>();
    for (const u of unresolved) byReason.set(u.kind, (byReason.get(u.kind) ?? 0) + 1);
    const byField = new Map<string, number>();
    for (const c of conflicts) byField.set(c.field, (byField.get(c.field) ?? 0) + 1);
    return {
      models: {
        live: counts.live,
        with_offerings: counts.with_offerings,
        merged: counts.merged,
        by_source: bySource,
      },
      offerings: {
        live: counts.offerings,
        pinned: counts.pinned,
        by_basis: byBasis,
        with_variant: counts.variant,
        with_aliases: counts.aliased,
      },
      offerings_per_model: {
        buckets: BUCKETS.map(([key, lo, hi]) => ({
          key,
          count: perModel.filter((p) => p.n >= lo && p.n <= hi).reduce((s, p) => s + p.models, 0),
        })),
        top,
      },
      unresolved: {
        total: unresolved.length,
        by_reason: [...byReason].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count),
        sample: unresolved.slice(0, sampleSize).map(({ basis: _, kind: __, ...u }) => u),
      },
      ambiguous: { total: ambiguous.length, sample: ambiguous.slice(0, sampleSize) },
      capability_conflicts: {
        models: new Set(conflicts.map((c) => c.model_id)).size,
        by_field: [...byField].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count),
        sample: conflicts.slice(0, sampleSize),
      },
    };
  }
}
