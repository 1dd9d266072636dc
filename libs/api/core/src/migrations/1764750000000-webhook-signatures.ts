import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Price webhooks remember each accepted signature: the Idempotency-Key is not covered by the signature, so the same
 * signed body re-sent within the 5-minute window under a new key must be recognised as the same delivery.
 */
export class WebhookSignatures1764750000000 implements MigrationInterface {
  name = 'WebhookSignatures1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_webhook_deliveries ADD COLUMN signature text NULL`);
    await q.query(
      `CREATE UNIQUE INDEX ux_sync_webhook_deliveries_signature ON sync_webhook_deliveries (source_id, signature)
        WHERE signature IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ux_sync_webhook_deliveries_signature`);
    await q.query(`ALTER TABLE sync_webhook_deliveries DROP COLUMN signature`);
  }
}
