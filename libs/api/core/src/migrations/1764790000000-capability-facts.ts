import { MigrationInterface, QueryRunner } from 'typeorm';

const FIELDS = [
  'context_window',
  'max_output',
  'input_modalities',
  'output_modalities',
  'tool_calling',
  'structured_output',
  'reasoning',
  'vision',
  'open_weights',
  'knowledge_cutoff',
  'release_date',
  'last_updated',
];

/**
 * What each feed (and the operator) says about a model's capabilities, one row per model, field and source, so the
 * model's own columns can be resolved by a documented precedence (operator > models.dev > OpenRouter > LiteLLM >
 * the Hub's or seed's own value) and every value can say where it came from. `capability_fact_runs` remembers each
 * source's last set (a fingerprint), so an unchanged re-run writes nothing.
 *
 * Models an operator created by hand keep their capability values as operator decisions.
 */
export class CapabilityFacts1764790000000 implements MigrationInterface {
  name = 'CapabilityFacts1764790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models ADD COLUMN last_updated date NULL`);
    await q.query(`
      CREATE TABLE model_capability_facts (
        model_id text NOT NULL,
        field text NOT NULL,
        source text NOT NULL,
        kind text NOT NULL,
        value jsonb NOT NULL,
        via text[] NOT NULL DEFAULT '{}',
        since timestamptz NOT NULL DEFAULT now(),
        decided_by text NULL,
        CONSTRAINT pk_model_capability_facts PRIMARY KEY (model_id, field, source),
        CONSTRAINT fk_model_capability_facts_model FOREIGN KEY (model_id) REFERENCES models (id)
          ON DELETE CASCADE ON UPDATE CASCADE,
        CONSTRAINT ck_model_capability_facts_field CHECK (field IN (${FIELDS.map((f) => `'${f}'`).join(', ')}))
      )`);
    await q.query(`CREATE INDEX ix_model_capability_facts_source ON model_capability_facts (source)`);
    await q.query(`
      CREATE TABLE capability_fact_runs (
        source text NOT NULL,
        fingerprint text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_capability_fact_runs PRIMARY KEY (source)
      )`);
    const values: [string, string][] = [
      ['context_window', 'to_jsonb(context_window)'],
      ['max_output', 'to_jsonb(max_output)'],
      ['input_modalities', `CASE WHEN cardinality(input_modalities) > 0 THEN to_jsonb(input_modalities) END`],
      ['output_modalities', `CASE WHEN cardinality(output_modalities) > 0 THEN to_jsonb(output_modalities) END`],
      ['tool_calling', 'to_jsonb(tool_calling)'],
      ['structured_output', 'to_jsonb(structured_output)'],
      ['reasoning', 'to_jsonb(reasoning)'],
      ['vision', 'to_jsonb(vision)'],
      ['open_weights', 'to_jsonb(open_weights)'],
      ['knowledge_cutoff', 'to_jsonb(knowledge_cutoff)'],
      ['release_date', 'to_jsonb(release_date::text)'],
    ];
    await q.query(`
      INSERT INTO model_capability_facts (model_id, field, source, kind, value, decided_by)
      SELECT id, f.field, 'operator', 'operator', f.value, 'migration'
        FROM models, LATERAL (VALUES ${values.map(([f, v]) => `('${f}', ${v})`).join(', ')}) AS f(field, value)
       WHERE source = 'manual' AND deleted_at IS NULL AND f.value IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE capability_fact_runs`);
    await q.query(`DROP TABLE model_capability_facts`);
    await q.query(`ALTER TABLE models DROP COLUMN last_updated`);
  }
}
