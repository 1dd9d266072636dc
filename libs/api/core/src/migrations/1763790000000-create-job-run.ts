import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateJobRun1763790000000 implements MigrationInterface {
  name = 'CreateJobRun1763790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_run (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        job_name text NOT NULL,
        trigger text NOT NULL,
        status text NOT NULL,
        scheduled_for timestamptz NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz NULL,
        counts jsonb NOT NULL DEFAULT '{}'::jsonb,
        error text NULL,
        instance text NOT NULL,
        CONSTRAINT pk_job_run PRIMARY KEY (id),
        CONSTRAINT ck_job_run_trigger CHECK (trigger IN ('cron', 'manual')),
        CONSTRAINT ck_job_run_status CHECK (status IN ('running', 'succeeded', 'failed'))
      )`);
    await q.query(`CREATE INDEX ix_job_run_name_started ON job_run (job_name, started_at DESC)`);
    await q.query(`CREATE INDEX ix_job_run_started ON job_run (started_at)`);
    // One row per scheduled tick: the second instance to fire the same cron tick finds it taken.
    await q.query(
      `CREATE UNIQUE INDEX ux_job_run_name_scheduled ON job_run (job_name, scheduled_for) WHERE scheduled_for IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_run`);
  }
}
