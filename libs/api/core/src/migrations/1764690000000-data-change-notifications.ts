import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose changes in-process caches must hear about, from any instance (see DataChanges). */
export const NOTIFYING_TABLES = [
  'vendors',
  'models',
  'offerings',
  'base_model_relations',
  'price_versions',
  'price_components',
  'price_locks',
  'offering_match_rules',
];

/**
 * Statement-level triggers that `NOTIFY mph_changes, '<table>'` on every write (delivered at commit, once per
 * table and transaction), so each API instance drops its cached prices, matches and public answers at once.
 */
export class DataChangeNotifications1764690000000 implements MigrationInterface {
  name = 'DataChangeNotifications1764690000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION mph_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('mph_changes', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const t of NOTIFYING_TABLES) {
      await q.query(
        `CREATE TRIGGER tr_${t}_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t}
           FOR EACH STATEMENT EXECUTE FUNCTION mph_notify_change()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of NOTIFYING_TABLES) await q.query(`DROP TRIGGER tr_${t}_changes ON ${t}`);
    await q.query(`DROP FUNCTION mph_notify_change()`);
  }
}
