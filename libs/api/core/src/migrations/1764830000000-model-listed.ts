import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Models the public catalog does not list: built-in helpers such as the local echo provider's model, which the chat
 * and gateway serve but nobody chooses from the catalog. Existing databases hide it here; new ones when it is seeded.
 */
export class ModelListed1764830000000 implements MigrationInterface {
  name = 'ModelListed1764830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models ADD COLUMN listed boolean NOT NULL DEFAULT true`);
    await q.query(`UPDATE models SET listed = false WHERE id = 'local/echo' AND source = 'built-in'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models DROP COLUMN listed`);
  }
}
