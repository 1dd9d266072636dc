import { Injectable } from '@nestjs/common';
import { execute, query } from '@mph/api-core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { BaseModelEdge, Relation } from './hf-relations';

export interface ModelLineageInput {
  modelId: string;
  edges: BaseModelEdge[];
  datasets: string[];
}

export interface AncestryEdge {
  model_id: string;
  base_model_id: string;
  relation: Relation;
  source: string;
  depth: number;
}

/**
 * Conditions and counts on the lineage table that the catalog's search and stats put inside their own statements
 * (one statement keeps paging and ordering in the database). The SQL is the provenance lib's; `model` is the SQL
 * expression of the model id, `p` binds a parameter and answers its placeholder.
 */
export const LINEAGE_SQL = {
  hasBase: (model: string) => `EXISTS (SELECT 1 FROM base_model_relations r WHERE r.model_id = ${model})`,
  derivedFrom: (model: string, base: string, relation: string | null) =>
    `EXISTS (SELECT 1 FROM base_model_relations r WHERE r.model_id = ${model} AND r.base_model_id = ${base}` +
    `${relation ? ` AND r.relation = ${relation}` : ''})`,
  /** The number of edges. */
  edgeCount: `(SELECT count(*) FROM base_model_relations)`,
  /** Edges per relation kind: rows (key, count), most common first. */
  byRelation: `SELECT relation AS key, count(*)::int AS count FROM base_model_relations GROUP BY relation ORDER BY count DESC, key`,
};

export interface DerivativeRow {
  model_id: string;
  base_model_id: string;
  relation: Relation;
  depth: number;
  /** Every model below this one (any relation, any depth). */
  descendants: number;
}

/** The most ancestry levels walked: deep enough for real chains, a bound for bad data. */
export const MAX_LINEAGE_DEPTH = 25;

/** Base-model and dataset relations: writes from importers and editors, DAG queries (recursive CTEs) for readers. */
@Injectable()
export class ProvenanceService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Replaces the imported relations of these models in the caller's transaction (manual edges are kept). Rows that
   * do not change are not rewritten, so importing the same data twice changes nothing.
   */
  async replaceImported(
    manager: EntityManager,
    items: ModelLineageInput[],
  ): Promise<{ edgesWritten: number; edgesRemoved: number }> {
    if (!items.length) return { edgesWritten: 0, edgesRemoved: 0 };
    const ids = items.map((i) => i.modelId);
    const edges = items.flatMap((i) =>
      i.edges.map((e) => ({ model_id: i.modelId, base_model_id: e.base, relation: e.relation, source: e.source })),
    );
    const removed = await execute(
      manager,
      `DELETE FROM base_model_relations r
        WHERE r.model_id = ANY($1) AND r.source <> 'manual'
          AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS e(model_id text, base_model_id text, relation text, source text)
                           WHERE e.model_id = r.model_id AND e.base_model_id = r.base_model_id)`,
      [ids, JSON.stringify(edges)],
    );
    const written = await query<{ '?column?': number }>(
      manager,
      `INSERT INTO base_model_relations (model_id, base_model_id, relation, source)
       SELECT e.model_id, e.base_model_id, e.relation, e.source
         FROM jsonb_to_recordset($1::jsonb) AS e(model_id text, base_model_id text, relation text, source text)
       ON CONFLICT (model_id, base_model_id) DO UPDATE SET relation = EXCLUDED.relation, source = EXCLUDED.source
        WHERE base_model_relations.source <> 'manual'
          AND (base_model_relations.relation, base_model_relations.source) IS DISTINCT FROM (EXCLUDED.relation, EXCLUDED.source)
       RETURNING 1`,
      [JSON.stringify(edges)],
    );
    const datasets = items.flatMap((i) => i.datasets.map((d) => ({ model_id: i.modelId, dataset_id: d })));
    await execute(
      manager,
      `DELETE FROM dataset_relations r WHERE r.model_id = ANY($1)
          AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS d(model_id text, dataset_id text) WHERE d.model_id = r.model_id AND d.dataset_id = r.dataset_id)`,
      [ids, JSON.stringify(datasets)],
    );
    await execute(
      manager,
      `INSERT INTO dataset_relations (model_id, dataset_id)
       SELECT d.model_id, d.dataset_id FROM jsonb_to_recordset($1::jsonb) AS d(model_id text, dataset_id text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(datasets)],
    );
    return { edgesWritten: written.length, edgesRemoved: removed ?? 0 };
  }

  /**
   * Every ancestor up to the roots, as DAG edges with their depth. Cycle-safe (path check) and depth-limited.
   * The recursive steps look up each row's neighbours through the index (LATERAL ... OFFSET 0 keeps the planner from
   * turning them into a hash join over the whole relation table, which it picks because it cannot estimate recursion).
   */
  ancestry(modelId: string, maxDepth = MAX_LINEAGE_DEPTH): Promise<AncestryEdge[]> {
    return query<AncestryEdge>(
      this.dataSource,
      `WITH RECURSIVE up AS (
         SELECT r.model_id, r.base_model_id, r.relation, r.source, 1 AS depth, ARRAY[r.model_id, r.base_model_id] AS path
           FROM base_model_relations r WHERE r.model_id = $1
         UNION ALL
         SELECT r.model_id, r.base_model_id, r.relation, r.source, up.depth + 1, up.path || r.base_model_id
           FROM up CROSS JOIN LATERAL (
                  SELECT * FROM base_model_relations r WHERE r.model_id = up.base_model_id OFFSET 0) r
          WHERE up.depth < $2 AND NOT r.base_model_id = ANY(up.path)
       )
       SELECT DISTINCT ON (up.model_id, up.base_model_id) up.model_id, up.base_model_id, up.relation, up.source, up.depth
         FROM up ORDER BY up.model_id, up.base_model_id, up.depth`,
      [modelId, maxDepth],
    ).then((rows) =>
      rows.sort(
        (a, b) =>
          a.depth - b.depth || a.model_id.localeCompare(b.model_id) || a.base_model_id.localeCompare(b.base_model_id),
      ),
    );
  }

  /**
   * Models derived from `modelId` down to `depth` levels (optionally one relation at the first level), paged, each with
   * its own descendant count. Cycle-safe like ancestry.
   */
  async derivatives(
    modelId: string,
    options: { depth: number; relation?: Relation; offset: number; limit: number },
  ): Promise<{ rows: DerivativeRow[]; total: number }> {
    const rows = await query<DerivativeRow & { total: string }>(
      this.dataSource,
      // No path arrays here: the depth bound ends any cycle, the root is left out, and a model met again deeper is
      // dropped by DISTINCT ON (its first depth wins). Building a path per row cost a fifth of a hub's depth-2 page.
      `WITH RECURSIVE down AS (
         SELECT r.model_id, r.base_model_id, r.relation, 1 AS depth
           FROM base_model_relations r WHERE r.base_model_id = $1 AND ($2::text IS NULL OR r.relation = $2)
         UNION ALL
         SELECT r.model_id, r.base_model_id, r.relation, down.depth + 1
           FROM down CROSS JOIN LATERAL (
                  SELECT * FROM base_model_relations r WHERE r.base_model_id = down.model_id OFFSET 0) r
          WHERE down.depth < $3 AND r.model_id <> $1
       ), firsts AS (
         SELECT DISTINCT ON (model_id) model_id, base_model_id, relation, depth FROM down ORDER BY model_id, depth
       )
       SELECT f.model_id, f.base_model_id, f.relation, f.depth, count(*) OVER () AS total,
              (WITH RECURSIVE sub AS (
                 SELECT s.model_id, ARRAY[f.model_id, s.model_id] AS path FROM base_model_relations s WHERE s.base_model_id = f.model_id
                 UNION ALL
                 SELECT s.model_id, sub.path || s.model_id FROM sub CROSS JOIN LATERAL (
                        SELECT s.model_id FROM base_model_relations s WHERE s.base_model_id = sub.model_id OFFSET 0) s
                  WHERE cardinality(sub.path) <= $6 AND NOT s.model_id = ANY(sub.path)
               ) SELECT count(DISTINCT model_id) FROM sub)::int AS descendants
         FROM firsts f
        ORDER BY f.depth, f.relation, f.model_id
        OFFSET $4 LIMIT $5`,
      [modelId, options.relation ?? null, options.depth, options.offset, options.limit, MAX_LINEAGE_DEPTH],
    );
    const total = rows.length ? Number(rows[0].total) : 0;
    return { rows: rows.map(({ total: _t, ...r }) => r), total };
  }

  /** Direct bases of a model. */
  basesOf(modelId: string): Promise<{ base_model_id: string; relation: Relation; source: string }[]> {
    return query<{ base_model_id: string; relation: Relation; source: string }>(
      this.dataSource,
      `SELECT r.base_model_id, r.relation, r.source
         FROM base_model_relations r WHERE r.model_id = $1 ORDER BY r.base_model_id`,
      [modelId],
    );
  }

  /** Direct derivatives of a model, counted by relation. */
  async derivativeCounts(modelId: string): Promise<Record<string, number>> {
    const rows = await query<{ relation: string; n: number }>(
      this.dataSource,
      `SELECT relation, count(*)::int AS n FROM base_model_relations WHERE base_model_id = $1 GROUP BY relation ORDER BY relation`,
      [modelId],
    );
    return Object.fromEntries(rows.map((r) => [r.relation, r.n]));
  }

  async datasetsOf(modelId: string): Promise<string[]> {
    const rows = await query<{ dataset_id: string }>(
      this.dataSource,
      `SELECT dataset_id FROM dataset_relations WHERE model_id = $1 ORDER BY dataset_id`,
      [modelId],
    );
    return rows.map((r) => r.dataset_id);
  }
}
