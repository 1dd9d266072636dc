import { MigrationInterface, QueryRunner } from 'typeorm';

/** Budgets may notify a webhook (HMAC-signed) when an alert threshold is crossed. */
export class BudgetWebhooks1764670000000 implements MigrationInterface {
  name = 'BudgetWebhooks1764670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE budgets ADD COLUMN webhook_url text NULL, ADD COLUMN webhook_secret_sealed text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE budgets DROP COLUMN webhook_secret_sealed, DROP COLUMN webhook_url`);
  }
}
