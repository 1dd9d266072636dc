import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every dated price a feed states for an offering (genai-prices' start_date history, prices announced for later), kept
 * with the source's latest observation: an estimate with `source=` and `timestamp` prices with what that feed said was
 * in force then.
 */
export class ObservedPriceHistory1764810000000 implements MigrationInterface {
  name = 'ObservedPriceHistory1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_observations ADD COLUMN history jsonb NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_observations DROP COLUMN history`);
  }
}
