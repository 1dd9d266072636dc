import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sync runs notify their changes like the price tables do, so every instance's live event stream hears of them. */
export class SyncRunChanges1764840000000 implements MigrationInterface {
  name = 'SyncRunChanges1764840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TRIGGER tr_sync_runs_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sync_runs
         FOR EACH STATEMENT EXECUTE FUNCTION mph_notify_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_sync_runs_changes ON sync_runs`);
  }
}
