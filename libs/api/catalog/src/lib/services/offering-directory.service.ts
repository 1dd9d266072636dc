import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { query } from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';

/** A live offering as the money path needs it: who serves which model under which id. */
export interface OfferingInfo {
  id: string;
  provider: string;
  provider_model_id: string;
  model_id: string;
  /** The offering's own context window, else its model's. */
  context_window: number | null;
  max_output: number | null;
  status: string;
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
  coalesce(o.context_window, m.context_window) AS context_window, coalesce(o.max_output, m.max_output) AS max_output,
  o.status`;

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
  async find(provider: string, candidates: string[]): Promise<CatalogMatch | null> {
    const [row] = await query<OfferingInfo & { via: CatalogMatchVia; spelling: string }>(
      this.dataSource,
      `WITH c(cand, ord) AS (SELECT * FROM unnest($2::text[]) WITH ORDINALITY)
       SELECT x.* FROM (
         SELECT ${OFFERING_COLUMNS}, 'provider_model_id' AS via, c.cand AS spelling, c.ord
           FROM c JOIN offerings o ON o.provider_slug = $1 AND o.deleted_at IS NULL
                 AND (o.provider_model_id = c.cand OR lower(o.provider_model_id) = lower(c.cand))
           JOIN models m ON m.id = o.model_id
         UNION ALL
         SELECT ${OFFERING_COLUMNS}, CASE WHEN m.aliases @> ARRAY[c.cand] AND lower(m.id) <> lower(c.cand)
                                            AND lower(m.id) <> lower($1 || '/' || c.cand)
                                          THEN 'alias' ELSE 'model_id' END, c.cand, c.ord + 1000
           FROM c JOIN models m ON m.deleted_at IS NULL
                 AND (lower(m.id) = lower(c.cand) OR lower(m.id) = lower($1 || '/' || c.cand) OR m.aliases @> ARRAY[c.cand])
           JOIN offerings o ON o.model_id = m.id AND o.provider_slug = $1 AND o.deleted_at IS NULL
       ) x ORDER BY x.ord, x.provider_model_id LIMIT 1`,
      [provider, candidates],
    );
    if (!row) return null;
    const { via, spelling, ord: _ord, ...offering } = row as typeof row & { ord: unknown };
    return { offering, via, spelling };
  }

  /** Live offerings by id (deleted and unknown ids are absent from the answer). */
  async byIds(
    ids: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, OfferingInfo>> {
    if (!ids.length) return new Map();
    const rows = await query<OfferingInfo>(
      manager,
      `SELECT ${OFFERING_COLUMNS} FROM offerings o JOIN models m ON m.id = o.model_id
        WHERE o.id = ANY($1::uuid[]) AND o.deleted_at IS NULL`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** One live offering, or null. */
  async byId(id: string): Promise<OfferingInfo | null> {
    return (await this.byIds([id])).get(id) ?? null;
  }
}
