import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sync sources notify their changes like the catalog tables do (DataChanges), so every instance re-reads the sources'
 * schedules as soon as an operator edits one, instead of polling them every minute.
 */
export class SyncSourceChanges1764760000000 implements MigrationInterface {
  name = 'SyncSourceChanges1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TRIGGER tr_sync_sources_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sync_sources
         FOR EACH STATEMENT EXECUTE FUNCTION mph_notify_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_sync_sources_changes ON sync_sources`);
  }
}
