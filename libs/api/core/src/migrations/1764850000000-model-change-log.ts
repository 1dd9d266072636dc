import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the in-process search index needs to follow the models table exactly (docs/search.md): each row carries the
 * transaction id that last wrote it (the 64-bit xid8 as bigint, a type TypeORM knows), so an index that read the table as of snapshot S can later read just the rows
 * committed since S (`change_xid` not visible in S); row deletions, which leave no row to read, are logged per
 * statement (the app never deletes models, but an operator or a test may), and make the index load afresh.
 */
export class ModelChangeLog1764850000000 implements MigrationInterface {
  name = 'ModelChangeLog1764850000000';

  async up(q: QueryRunner): Promise<void> {
    // No default: existing rows keep NULL (an index's first load reads every row anyway) and the ALTER is instant.
    await q.query(`ALTER TABLE models ADD COLUMN change_xid bigint NULL`);
    await q.query(`
      CREATE FUNCTION models_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.change_xid := pg_current_xact_id()::text::bigint;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER tr_models_change_xid BEFORE INSERT OR UPDATE ON models
         FOR EACH ROW EXECUTE FUNCTION models_change_xid()`,
    );
    await q.query(`CREATE INDEX ix_models_change_xid ON models (change_xid) WHERE change_xid IS NOT NULL`);
    await q.query(`
      CREATE TABLE model_removals (
        id bigserial PRIMARY KEY,
        xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_model_removals_xid ON model_removals (xid)`);
    await q.query(`
      CREATE FUNCTION models_log_removal() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- A DELETE that removed no row changes nothing.
        IF TG_OP = 'TRUNCATE' THEN
          INSERT INTO model_removals DEFAULT VALUES;
        ELSIF EXISTS (SELECT 1 FROM removed) THEN
          INSERT INTO model_removals DEFAULT VALUES;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER tr_models_removal AFTER DELETE ON models REFERENCING OLD TABLE AS removed
         FOR EACH STATEMENT EXECUTE FUNCTION models_log_removal()`,
    );
    await q.query(
      `CREATE TRIGGER tr_models_truncate AFTER TRUNCATE ON models FOR EACH STATEMENT EXECUTE FUNCTION models_log_removal()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_models_truncate ON models`);
    await q.query(`DROP TRIGGER tr_models_removal ON models`);
    await q.query(`DROP FUNCTION models_log_removal()`);
    await q.query(`DROP TABLE model_removals`);
    await q.query(`DROP TRIGGER tr_models_change_xid ON models`);
    await q.query(`DROP FUNCTION models_change_xid()`);
    await q.query(`ALTER TABLE models DROP COLUMN change_xid`);
  }
}
