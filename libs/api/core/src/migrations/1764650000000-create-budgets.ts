import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Budgets (libs/api/cost-tracking): limits per user, project or API key and period. Spend is read from the daily
 * rollup; in-flight reservations of hard budgets live in budget_periods (locked per budget and period, so concurrent
 * calls queue instead of overshooting).
 */
export class CreateBudgets1764650000000 implements MigrationInterface {
  name = 'CreateBudgets1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE budgets (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        scope text NOT NULL,
        scope_id text NOT NULL,
        name text NOT NULL,
        amount numeric NOT NULL,
        currency char(3) NOT NULL DEFAULT 'USD',
        period text NOT NULL,
        mode text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL,
        CONSTRAINT pk_budgets PRIMARY KEY (id),
        CONSTRAINT fk_budgets_owner FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_budgets_scope CHECK (scope IN ('user', 'project', 'api_key')),
        CONSTRAINT ck_budgets_period CHECK (period IN ('daily', 'monthly')),
        CONSTRAINT ck_budgets_mode CHECK (mode IN ('hard', 'soft')),
        CONSTRAINT ck_budgets_amount CHECK (amount > 0)
      )`);
    await q.query(`CREATE INDEX ix_budgets_scope ON budgets (scope, scope_id) WHERE deleted_at IS NULL`);
    await q.query(`
      CREATE TABLE budget_periods (
        budget_id uuid NOT NULL,
        period_start date NOT NULL,
        reserved numeric NOT NULL DEFAULT 0,
        alerts_sent integer[] NOT NULL DEFAULT '{}',
        CONSTRAINT pk_budget_periods PRIMARY KEY (budget_id, period_start),
        CONSTRAINT fk_budget_periods_budget FOREIGN KEY (budget_id) REFERENCES budgets (id) ON DELETE CASCADE,
        CONSTRAINT ck_budget_periods_reserved CHECK (reserved >= 0)
      )`);
    await q.query(`
      CREATE TABLE budget_reservations (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        budget_id uuid NOT NULL,
        period_start date NOT NULL,
        amount numeric NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_budget_reservations PRIMARY KEY (id),
        CONSTRAINT fk_budget_reservations_period FOREIGN KEY (budget_id, period_start)
          REFERENCES budget_periods (budget_id, period_start) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_usage_daily_project ON usage_daily (project, day)`);
    await q.query(`CREATE INDEX ix_usage_daily_key ON usage_daily (api_key_id, day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_usage_daily_key`);
    await q.query(`DROP INDEX ix_usage_daily_project`);
    await q.query(`DROP TABLE budget_reservations`);
    await q.query(`DROP TABLE budget_periods`);
    await q.query(`DROP TABLE budgets`);
  }
}
