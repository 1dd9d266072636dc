import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prices the sync's sanity guards held for review instead of publishing (far from the model's other offerings or
 * from another feed's report of the same offering). One row per offering, conditions and price set (`fingerprint`),
 * whatever its status, so a re-run holds nothing twice and a rejected price is not asked about again.
 */
export class HeldPrices1764780000000 implements MigrationInterface {
  name = 'HeldPrices1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE held_prices (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        offering_id uuid NOT NULL,
        run_id uuid NULL,
        source text NOT NULL,
        service_tier text NOT NULL,
        region text NOT NULL DEFAULT '',
        currency char(3) NOT NULL,
        effective_from timestamptz NOT NULL,
        components jsonb NOT NULL,
        fingerprint text NOT NULL,
        kind text NOT NULL,
        unit text NOT NULL,
        amount numeric NOT NULL,
        reference numeric NOT NULL,
        factor numeric NOT NULL,
        looks_like text NULL,
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'held',
        decided_by text NULL,
        decided_at timestamptz NULL,
        version_id uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_held_prices PRIMARY KEY (id),
        CONSTRAINT fk_held_prices_offering FOREIGN KEY (offering_id) REFERENCES offerings (id),
        CONSTRAINT fk_held_prices_run FOREIGN KEY (run_id) REFERENCES sync_runs (id) ON DELETE SET NULL,
        CONSTRAINT ck_held_prices_kind CHECK (kind IN ('median', 'feed')),
        CONSTRAINT ck_held_prices_status CHECK (status IN ('held', 'approved', 'rejected', 'superseded'))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX ux_held_prices_price ON held_prices (offering_id, service_tier, region, fingerprint)`,
    );
    await q.query(`CREATE INDEX ix_held_prices_open ON held_prices (created_at DESC) WHERE status = 'held'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE held_prices`);
  }
}
