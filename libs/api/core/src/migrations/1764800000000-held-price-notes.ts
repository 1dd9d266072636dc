import { MigrationInterface, QueryRunner } from 'typeorm';

/** An operator's note on approving or rejecting a held price (also in the audit log). */
export class HeldPriceNotes1764800000000 implements MigrationInterface {
  name = 'HeldPriceNotes1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE held_prices ADD COLUMN decision_note text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE held_prices DROP COLUMN decision_note`);
  }
}
