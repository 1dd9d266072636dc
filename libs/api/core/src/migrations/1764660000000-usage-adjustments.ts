import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-pricing (libs/api/cost-tracking): an operator re-runs a window's costs after a price correction. Events keep
 * their original cost; each difference is written as an adjustment (and applied to the rollup), per run.
 */
export class UsageAdjustments1764660000000 implements MigrationInterface {
  name = 'UsageAdjustments1764660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE repricing_runs (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        started_by text NOT NULL,
        window_from timestamptz NOT NULL,
        window_to timestamptz NOT NULL,
        filters jsonb NOT NULL DEFAULT '{}',
        reason text NOT NULL,
        dry_run boolean NOT NULL DEFAULT false,
        counts jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_repricing_runs PRIMARY KEY (id)
      )`);
    await q.query(`
      CREATE TABLE usage_adjustments (
        id bigint GENERATED ALWAYS AS IDENTITY,
        event_id bigint NOT NULL,
        run_id uuid NOT NULL,
        old_cost numeric NULL,
        new_cost numeric NULL,
        delta numeric NOT NULL,
        price_version_id uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_usage_adjustments PRIMARY KEY (id),
        CONSTRAINT fk_usage_adjustments_event FOREIGN KEY (event_id) REFERENCES usage_events (id),
        CONSTRAINT fk_usage_adjustments_run FOREIGN KEY (run_id) REFERENCES repricing_runs (id)
      )`);
    await q.query(`CREATE INDEX ix_usage_adjustments_event ON usage_adjustments (event_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE usage_adjustments`);
    await q.query(`DROP TABLE repricing_runs`);
  }
}
