import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { query, Queryable } from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';

/** An offering as the money path needs it: who serves which model under which id. */
export interface OfferingInfo {
  id: string;
  provider: string;
  provider_model_id: string;
  model_id: string;
  /** The offering's own limits (null: as its model's, below). */
  context_window: number | null;
  max_output: number | null;
  model_context_window: number | null;
  model_max_output: number | null;
  status: string;
}

/** A model as price exports name it. */
export interface ModelInfo {
  id: string;
  display_name: string;
  input_modalities: string[];
  output_modalities: string[];
  context_window: number | null;
}

/** Which offerings a list or a lock covers. */
export interface OfferingFilter {
  id?: string;
  provider?: string;
  modelId?: string;
}

/** How a client's spelling reached an offering in the catalog (match rules are the pricing lib's, not here). */
export type CatalogMatchVia = 'provider_model_id' | 'model_id' | 'alias';

export interface CatalogMatch {
  offering: OfferingInfo;
  via: CatalogMatchVia;
  /** The candidate spelling that matched. */
  spelling: string;
}

const OFFERING_COLUMNS = `o.id::text AS id, o.provider_slug AS provider, o.provider_model_id, o.model_id,
  o.context_window, o.max_output, m.context_window AS model_context_window, m.max_output AS model_max_output, o.status`;

/** The WHERE clause of a filter, its parameters from $1 on. */
function filterSql(f: OfferingFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = ['o.deleted_at IS NULL'];
  if (f.id !== undefined) where.push(`o.id = $${params.push(f.id)}::uuid`);
  if (f.provider !== undefined) where.push(`o.provider_slug = $${params.push(f.provider)}`);
  if (f.modelId !== undefined) where.push(`o.model_id = $${params.push(f.modelId)}`);
  return { where: where.join(' AND '), params };
}

/**
 * The catalog's answer to "which live offering is this": offerings by id, by model, or by the spellings a client may
 * use (the provider's own id, a catalog model id or alias that the provider offers). Read by the pricing read model,
 * chat and exports; the catalog's tables are read here and nowhere outside this lib.
 */
@Injectable()
export class OfferingDirectoryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The first candidate (in the caller's order) that names a live offering of `provider`: as the provider's own id
   * (exact, else case-insensitive), then as a catalog model id or alias the provider offers. Null when none does.
   */
  async find(
    provider: string,
    candidates: string[],
    routes: 'all' | 'provider_model_id' | 'model' = 'all',
  ): Promise<CatalogMatch | null> {
    const [row] = await query<OfferingInfo & { via: CatalogMatchVia; spelling: string }>(
      this.dataSource,
      `WITH c(cand, ord) AS (SELECT * FROM unnest($2::text[]) WITH ORDINALITY)
       SELECT x.* FROM (
         SELECT ${OFFERING_COLUMNS}, 'provider_model_id' AS via, c.cand AS spelling, c.ord
           FROM c JOIN offerings o ON o.provider_slug = $1 AND o.deleted_at IS NULL
                 AND (o.provider_model_id = c.cand OR lower(o.provider_model_id) = lower(c.cand)
                      OR o.aliases @> ARRAY[c.cand])
           JOIN models m ON m.id = o.model_id
          WHERE $3 <> 'model'
         UNION ALL
         SELECT ${OFFERING_COLUMNS}, CASE WHEN m.aliases @> ARRAY[c.cand] AND lower(m.id) <> lower(c.cand)
                                            AND lower(m.id) <> lower($1 || '/' || c.cand)
                                          THEN 'alias' ELSE 'model_id' END, c.cand, c.ord + 1000
           FROM c JOIN models m ON m.deleted_at IS NULL
                 AND (lower(m.id) = lower(c.cand) OR lower(m.id) = lower($1 || '/' || c.cand) OR m.aliases @> ARRAY[c.cand])
           JOIN offerings o ON o.model_id = m.id AND o.provider_slug = $1 AND o.deleted_at IS NULL
          WHERE $3 <> 'provider_model_id'
       ) x ORDER BY x.ord, x.provider_model_id LIMIT 1`,
      [provider, candidates, routes],
    );
    if (!row) return null;
    const { via, spelling, ord: _ord, ...offering } = row as typeof row & { ord: unknown };
    return { offering, via, spelling };
  }

  /**
   * The provider that serves a model named by one of these spellings (a model id, an alias, or a provider's own id),
   * the model's creator first: who a call means when the client names no provider. Null when none does.
   */
  async providerServing(candidates: string[]): Promise<string | null> {
    const lower = candidates.map((c) => c.toLowerCase());
    const [row] = await query<{ provider_slug: string }>(
      this.dataSource,
      `SELECT o.provider_slug FROM offerings o JOIN models m ON m.id = o.model_id AND m.deleted_at IS NULL
        WHERE o.deleted_at IS NULL
          AND (lower(m.id) = ANY($1) OR lower(o.provider_model_id) = ANY($1)
               OR EXISTS (SELECT 1 FROM unnest(m.aliases) a WHERE lower(a) = ANY($1)))
        ORDER BY (o.provider_slug = m.creator_vendor) DESC, (lower(o.provider_model_id) = ANY($1)) DESC, o.provider_slug
        LIMIT 1`,
      [lower],
    );
    return row?.provider_slug ?? null;
  }

  /** Offerings by id: live ones, or deleted ones too (history keeps naming them). Unknown ids are absent. */
  async byIds(
    ids: readonly string[],
    options: { includeDeleted?: boolean; db?: Queryable } = {},
  ): Promise<Map<string, OfferingInfo>> {
    if (!ids.length) return new Map();
    const rows = await query<OfferingInfo>(
      options.db ?? this.dataSource,
      `SELECT ${OFFERING_COLUMNS} FROM offerings o JOIN models m ON m.id = o.model_id
        WHERE o.id = ANY($1::uuid[]) ${options.includeDeleted ? '' : 'AND o.deleted_at IS NULL'}`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * Offerings (deleted ones too, flagged) by provider and provider id, keyed `provider|id` (offeringKey): what a feed's
   * entries name.
   */
  async byKeys(
    keys: readonly { provider: string; providerModelId: string }[],
    db: Queryable = this.dataSource,
  ): Promise<Map<string, OfferingInfo & { deleted: boolean }>> {
    if (!keys.length) return new Map();
    const rows = await query<OfferingInfo & { deleted: boolean }>(
      db,
      `SELECT ${OFFERING_COLUMNS}, o.deleted_at IS NOT NULL AS deleted
         FROM offerings o JOIN models m ON m.id = o.model_id
         JOIN unnest($1::text[], $2::text[]) AS k(provider, pid) ON o.provider_slug = k.provider AND o.provider_model_id = k.pid`,
      [keys.map((k) => k.provider), keys.map((k) => k.providerModelId)],
    );
    return new Map(rows.map((r) => [`${r.provider}|${r.provider_model_id}`, r]));
  }

  /** Live offerings of these models (the sanity guards compare a model's offerings' prices). */
  async byModels(modelIds: readonly string[], db: Queryable = this.dataSource): Promise<OfferingInfo[]> {
    if (!modelIds.length) return [];
    return query<OfferingInfo>(
      db,
      `SELECT ${OFFERING_COLUMNS} FROM offerings o JOIN models m ON m.id = o.model_id
        WHERE o.model_id = ANY($1::text[]) AND o.deleted_at IS NULL`,
      [[...new Set(modelIds)]],
    );
  }

  /** Live offerings, ordered by model, provider and the provider's id (the price list's order). */
  list(filter: OfferingFilter = {}, db: Queryable = this.dataSource): Promise<OfferingInfo[]> {
    const { where, params } = filterSql(filter);
    return query<OfferingInfo>(
      db,
      `SELECT ${OFFERING_COLUMNS} FROM offerings o JOIN models m ON m.id = o.model_id
        WHERE ${where} ORDER BY o.model_id, o.provider_slug, o.provider_model_id`,
      params,
    );
  }

  /**
   * Live offerings locked for the caller's transaction (price edits queue behind each other, and an offering cannot
   * be deleted under an edit), in the price list's order.
   */
  lockLive(m: EntityManager, filter: OfferingFilter): Promise<OfferingInfo[]> {
    const { where, params } = filterSql(filter);
    return query<OfferingInfo>(
      m,
      `SELECT ${OFFERING_COLUMNS} FROM offerings o JOIN models m ON m.id = o.model_id
        WHERE ${where} ORDER BY o.model_id, o.provider_slug, o.provider_model_id FOR UPDATE OF o`,
      params,
    );
  }

  /** Live models by id, with what price exports show of them. */
  async models(ids: readonly string[]): Promise<Map<string, ModelInfo>> {
    if (!ids.length) return new Map();
    const rows = await query<ModelInfo>(
      this.dataSource,
      `SELECT id, display_name, input_modalities, output_modalities, context_window
         FROM models WHERE id = ANY($1::text[]) AND deleted_at IS NULL`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Whether a provider (a live vendor) exists. */
  async providerExists(slug: string, db: Queryable = this.dataSource): Promise<boolean> {
    const rows = await query(db, `SELECT 1 FROM vendors WHERE slug = $1 AND deleted_at IS NULL`, [slug]);
    return rows.length > 0;
  }

  /** One live offering, or null. */
  async byId(id: string): Promise<OfferingInfo | null> {
    return (await this.byIds([id])).get(id) ?? null;
  }
}
