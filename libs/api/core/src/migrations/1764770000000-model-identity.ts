import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One model, one identity. Models get `identity_keys`, the matching keys of their id and aliases (lower case,
 * letters and digits only, namespace dropped: `mph_name_key`, the same function as `nameKey` in the catalog's
 * model-names.ts), indexed so a feed's spellings find their model in one statement; `merged_into` names the model
 * an operator merged one into. Offerings record their other spellings (`aliases`), their variant (free tier,
 * commitment plan, image quality) and why they belong to their model (`identity`), which an operator can pin.
 */
export class ModelIdentity1764770000000 implements MigrationInterface {
  name = 'ModelIdentity1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE FUNCTION mph_name_key(id text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT regexp_replace(lower(regexp_replace(id, '^.*/', '')), '[^a-z0-9]+', '', 'g') $$`,
    );
    await q.query(
      `CREATE FUNCTION mph_identity_keys(id text, aliases text[]) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
         AS $$ SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{}')
                 FROM (SELECT mph_name_key(x) AS k FROM unnest(array_prepend(id, coalesce(aliases, '{}'))) x) keys
                WHERE k <> '' $$`,
    );
    // Kept by a trigger like search_vector (a generated column would need TypeORM's own metadata table).
    await q.query(
      `ALTER TABLE models ADD COLUMN identity_keys text[] NOT NULL DEFAULT '{}', ADD COLUMN merged_into text NULL`,
    );
    await q.query(
      `CREATE FUNCTION models_identity_keys() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.identity_keys := mph_identity_keys(NEW.id, NEW.aliases);
         RETURN NEW;
       END $$`,
    );
    await q.query(
      `CREATE TRIGGER tr_models_identity_keys BEFORE INSERT OR UPDATE OF id, aliases ON models
         FOR EACH ROW EXECUTE FUNCTION models_identity_keys()`,
    );
    await q.query(`UPDATE models SET identity_keys = mph_identity_keys(id, aliases)`);
    await q.query(`CREATE INDEX ix_models_identity_keys ON models USING gin (identity_keys)`);
    await q.query(
      `ALTER TABLE offerings
         ADD COLUMN aliases text[] NOT NULL DEFAULT '{}',
         ADD COLUMN variant text NULL,
         ADD COLUMN identity jsonb NOT NULL DEFAULT '{}'::jsonb,
         ADD COLUMN identity_pinned boolean NOT NULL DEFAULT false`,
    );
    await q.query(`CREATE INDEX ix_offerings_aliases ON offerings USING gin (aliases)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_offerings_aliases`);
    await q.query(
      `ALTER TABLE offerings DROP COLUMN identity_pinned, DROP COLUMN identity, DROP COLUMN variant, DROP COLUMN aliases`,
    );
    await q.query(`DROP INDEX ix_models_identity_keys`);
    await q.query(`DROP TRIGGER tr_models_identity_keys ON models`);
    await q.query(`DROP FUNCTION models_identity_keys()`);
    await q.query(`ALTER TABLE models DROP COLUMN merged_into, DROP COLUMN identity_keys`);
    await q.query(`DROP FUNCTION mph_identity_keys(text, text[])`);
    await q.query(`DROP FUNCTION mph_name_key(text)`);
  }
}
