import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { execute, query } from '@mph/api-core';
import { EntityManager } from 'typeorm';
import {
  aggregateCapabilities,
  CAPABILITY_COLUMNS,
  CAPABILITY_FIELDS,
  CAPABILITY_PRECEDENCE,
  CapabilityField,
  CapabilityStatement,
} from '../identity/capabilities';

/** A stored statement about one field of one model. */
export interface CapabilityFactRow {
  field: CapabilityField;
  source: string;
  kind: string;
  value: unknown;
  via: string[];
  since: string;
  decided_by: string | null;
  /** Whether this is the value the model shows (the highest-precedence statement). */
  used: boolean;
}

/** How a stored JSON value becomes each column's type. */
const CAST: Record<CapabilityField, (v: string) => string> = {
  context_window: (v) => `(${v} #>> '{}')::int`,
  max_output: (v) => `(${v} #>> '{}')::int`,
  input_modalities: (v) => `ARRAY(SELECT jsonb_array_elements_text(${v}))`,
  output_modalities: (v) => `ARRAY(SELECT jsonb_array_elements_text(${v}))`,
  tool_calling: (v) => `(${v} #>> '{}')::boolean`,
  structured_output: (v) => `(${v} #>> '{}')::boolean`,
  reasoning: (v) => `(${v} #>> '{}')::boolean`,
  vision: (v) => `(${v} #>> '{}')::boolean`,
  open_weights: (v) => `(${v} #>> '{}')::boolean`,
  knowledge_cutoff: (v) => `(${v} #>> '{}')`,
  release_date: (v) => `(${v} #>> '{}')::date`,
  last_updated: (v) => `(${v} #>> '{}')::date`,
};

/** SQL rank of a statement's kind, highest wins (generated from CAPABILITY_PRECEDENCE). */
const RANK_SQL = `CASE f.kind ${CAPABILITY_PRECEDENCE.map((k, i) => `WHEN '${k}' THEN ${CAPABILITY_PRECEDENCE.length - i}`).join(' ')} ELSE 0 END`;

const COLUMNS = CAPABILITY_FIELDS.map((f) => CAPABILITY_COLUMNS[f]);

/** The columns of a model resolved from its statements: the best statement's value, else the column as it is. */
const RESOLVE_SQL = `
  WITH best AS (
    SELECT DISTINCT ON (f.model_id, f.field) f.model_id, f.field, f.value
      FROM model_capability_facts f
     WHERE f.model_id = ANY($1::text[])
     ORDER BY f.model_id, f.field, ${RANK_SQL} DESC, f.since DESC, f.source),
  w AS (SELECT model_id, jsonb_object_agg(field, value) AS v FROM best GROUP BY model_id),
  n AS (
    SELECT mo.id, ${CAPABILITY_FIELDS.map(
      (f) =>
        `CASE WHEN w.v ? '${f}' THEN ${CAST[f](`(w.v -> '${f}')`)} ELSE mo.${CAPABILITY_COLUMNS[f]} END AS ${CAPABILITY_COLUMNS[f]}`,
    ).join(',\n           ')}
      FROM models mo JOIN w ON w.model_id = mo.id)
  UPDATE models mo SET ${COLUMNS.map((c) => `${c} = n.${c}`).join(', ')}, updated_at = now()
    FROM n
   WHERE mo.id = n.id AND (${COLUMNS.map((c) => `mo.${c}`).join(', ')}) IS DISTINCT FROM (${COLUMNS.map((c) => `n.${c}`).join(', ')})
  RETURNING mo.id`;

/**
 * Capabilities with provenance. Each source's statements about a model are stored per field
 * (`model_capability_facts`); the model's columns show the statement of highest precedence (CAPABILITY_PRECEDENCE:
 * operator > models.dev > OpenRouter > LiteLLM), or keep their own value when nobody states the field. Every write is
 * in the caller's transaction.
 */
@Injectable()
export class ModelCapabilitiesService {
  /**
   * Replaces what one source (a sync source, by name) says, from all its records of a full feed, and re-resolves the
   * models whose statements changed. A source whose statements are exactly as last time writes nothing.
   */
  async recordSource(
    m: EntityManager,
    source: string,
    kind: string,
    statements: CapabilityStatement[],
  ): Promise<{ facts: number; written: number; models_updated: number }> {
    const facts = aggregateCapabilities(statements).sort(
      (a, b) => a.modelId.localeCompare(b.modelId) || a.field.localeCompare(b.field),
    );
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([kind, facts.map((f) => [f.modelId, f.field, f.value, f.via])]))
      .digest('hex');
    const [last] = await query<{ fingerprint: string }>(
      m,
      `SELECT fingerprint FROM capability_fact_runs WHERE source = $1`,
      [source],
    );
    if (last?.fingerprint === fingerprint) return { facts: facts.length, written: 0, models_updated: 0 };
    const touched = await query<{ model_id: string }>(
      m,
      `WITH d AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(model_id text, field text, value jsonb, via text[])),
            up AS (
              INSERT INTO model_capability_facts AS f (model_id, field, source, kind, value, via)
              SELECT d.model_id, d.field, $2, $3, d.value, d.via FROM d JOIN models mo ON mo.id = d.model_id
              ON CONFLICT (model_id, field, source) DO UPDATE
                 SET value = EXCLUDED.value, via = EXCLUDED.via, kind = EXCLUDED.kind,
                     since = CASE WHEN f.value = EXCLUDED.value THEN f.since ELSE now() END
               WHERE (f.value, f.via, f.kind) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.via, EXCLUDED.kind)
              RETURNING f.model_id),
            gone AS (
              DELETE FROM model_capability_facts f
               WHERE f.source = $2 AND NOT EXISTS (SELECT 1 FROM d WHERE d.model_id = f.model_id AND d.field = f.field)
              RETURNING f.model_id)
       SELECT model_id FROM up UNION ALL SELECT model_id FROM gone`,
      [
        JSON.stringify(facts.map((f) => ({ model_id: f.modelId, field: f.field, value: f.value, via: f.via }))),
        source,
        kind,
      ],
    );
    await execute(
      m,
      `INSERT INTO capability_fact_runs (source, fingerprint) VALUES ($1, $2)
       ON CONFLICT (source) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, updated_at = now()`,
      [source, fingerprint],
    );
    const models = [...new Set(touched.map((t) => t.model_id))];
    return { facts: facts.length, written: touched.length, models_updated: await this.resolve(m, models) };
  }

  /**
   * An operator's decisions: a value pins the field (it wins over every feed, and later syncs keep it); null removes
   * the operator's statement, so the feeds' value (if any) shows again. Returns the fields whose statement changed.
   */
  async setOperator(
    m: EntityManager,
    modelId: string,
    values: Partial<Record<CapabilityField, unknown>>,
    by: string,
  ): Promise<CapabilityField[]> {
    const set = Object.entries(values).filter(([, v]) => v !== null && v !== undefined);
    const cleared = Object.entries(values)
      .filter(([, v]) => v === null)
      .map(([f]) => f);
    const changed: string[] = [];
    if (set.length) {
      const rows = await query<{ field: string }>(
        m,
        `INSERT INTO model_capability_facts AS f (model_id, field, source, kind, value, decided_by)
         SELECT $1, d.key, 'operator', 'operator', d.value, $3 FROM jsonb_each($2::jsonb) AS d
         ON CONFLICT (model_id, field, source) DO UPDATE SET value = EXCLUDED.value, decided_by = EXCLUDED.decided_by,
                since = now()
          WHERE f.value IS DISTINCT FROM EXCLUDED.value
         RETURNING f.field`,
        [modelId, JSON.stringify(Object.fromEntries(set)), by],
      );
      changed.push(...rows.map((r) => r.field));
    }
    if (cleared.length) {
      const rows = await query<{ field: string }>(
        m,
        `DELETE FROM model_capability_facts WHERE model_id = $1 AND source = 'operator' AND field = ANY($2::text[])
         RETURNING field`,
        [modelId, cleared],
      );
      changed.push(...rows.map((r) => r.field));
    }
    if (changed.length) await this.resolve(m, [modelId]);
    return changed as CapabilityField[];
  }

  /** Re-derives the models' capability columns from their statements; returns how many models changed. */
  async resolve(m: EntityManager, modelIds: string[]): Promise<number> {
    if (!modelIds.length) return 0;
    return (await query<{ id: string }>(m, RESOLVE_SQL, [modelIds])).length;
  }

  /** Every statement about a model, per field with the used one first. */
  async factsOf(m: EntityManager, modelId: string): Promise<CapabilityFactRow[]> {
    const rows = await query<Omit<CapabilityFactRow, 'used'> & { rn: number }>(
      m,
      `SELECT f.field, f.source, f.kind, f.value, f.via, f.since, f.decided_by,
              row_number() OVER (PARTITION BY f.field ORDER BY ${RANK_SQL} DESC, f.since DESC, f.source)::int AS rn
         FROM model_capability_facts f WHERE f.model_id = $1
        ORDER BY f.field, rn`,
      [modelId],
    );
    return rows.map(({ rn, ...r }) => ({
      ...r,
      since: new Date(r.since).toISOString(),
      used: rn === 1,
    }));
  }
}
