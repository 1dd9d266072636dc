import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation (libs/api/pricing): the latest prices each source reported per offering and conditions (whether or
 * not they were applied), and the source an operator trusts for each provider.
 */
export class SyncReconciliation1764630000000 implements MigrationInterface {
  name = 'SyncReconciliation1764630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_observations (
        source_id uuid NOT NULL,
        offering_id uuid NOT NULL,
        service_tier text NOT NULL,
        region text NOT NULL DEFAULT '',
        currency char(3) NOT NULL DEFAULT 'USD',
        components jsonb NOT NULL,
        observed_at timestamptz NOT NULL,
        CONSTRAINT pk_sync_observations PRIMARY KEY (offering_id, service_tier, region, source_id),
        CONSTRAINT fk_sync_observations_source FOREIGN KEY (source_id) REFERENCES sync_sources (id),
        CONSTRAINT fk_sync_observations_offering FOREIGN KEY (offering_id) REFERENCES offerings (id)
      )`);
    await q.query(`CREATE INDEX ix_sync_observations_source ON sync_observations (source_id)`);
    await q.query(`
      CREATE TABLE provider_truth (
        provider_slug text NOT NULL,
        source_id uuid NOT NULL,
        chosen_by text NOT NULL,
        chosen_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_provider_truth PRIMARY KEY (provider_slug),
        CONSTRAINT fk_provider_truth_vendor FOREIGN KEY (provider_slug) REFERENCES vendors (slug),
        CONSTRAINT fk_provider_truth_source FOREIGN KEY (source_id) REFERENCES sync_sources (id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE provider_truth`);
    await q.query(`DROP TABLE sync_observations`);
  }
}
