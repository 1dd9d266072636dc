import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Price history (libs/api/pricing): versions per offering and condition (service tier, region), their components per
 * unit (with prompt-size tiers and time-of-day windows), and operator locks that keep sync away from an offering.
 */
export class CreatePricing1764610000000 implements MigrationInterface {
  name = 'CreatePricing1764610000000';

  async up(q: QueryRunner): Promise<void> {
    // btree_gist lets one exclusion constraint say "no two versions of the same offering and conditions overlap".
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE price_versions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        offering_id uuid NOT NULL,
        service_tier text NOT NULL DEFAULT 'standard',
        region text NOT NULL DEFAULT '',
        effective_from timestamptz NOT NULL,
        effective_to timestamptz NULL,
        recorded_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        source text NOT NULL DEFAULT 'manual',
        source_ref text NULL,
        currency char(3) NOT NULL DEFAULT 'USD',
        reason text NULL,
        created_by text NULL,
        CONSTRAINT pk_price_versions PRIMARY KEY (id),
        CONSTRAINT fk_price_versions_offering FOREIGN KEY (offering_id) REFERENCES offerings (id),
        CONSTRAINT ck_price_versions_tier CHECK (service_tier IN ('standard', 'batch', 'flex', 'priority')),
        CONSTRAINT ck_price_versions_region CHECK (region ~ '^[a-z0-9-]{0,40}$'),
        CONSTRAINT ck_price_versions_currency CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT ck_price_versions_range CHECK (effective_to IS NULL OR effective_to > effective_from),
        CONSTRAINT ex_price_versions_overlap EXCLUDE USING gist (
          offering_id WITH =, service_tier WITH =, region WITH =,
          tstzrange(effective_from, effective_to, '[)') WITH &&
        )
      )`);
    // Point-in-time lookups walk this index backwards from the instant; the changes feed reads recorded_at.
    await q.query(
      `CREATE INDEX ix_price_versions_lookup ON price_versions (offering_id, service_tier, region, effective_from DESC)`,
    );
    await q.query(`CREATE INDEX ix_price_versions_recorded ON price_versions (recorded_at, id)`);
    await q.query(`CREATE INDEX ix_price_versions_open ON price_versions (offering_id) WHERE effective_to IS NULL`);

    await q.query(`
      CREATE TABLE price_components (
        id bigserial NOT NULL,
        version_id uuid NOT NULL,
        unit text NOT NULL,
        amount numeric NOT NULL,
        prompt_tokens_above bigint NOT NULL DEFAULT 0,
        window_start time NULL,
        window_end time NULL,
        CONSTRAINT pk_price_components PRIMARY KEY (id),
        CONSTRAINT fk_price_components_version FOREIGN KEY (version_id) REFERENCES price_versions (id) ON DELETE CASCADE,
        CONSTRAINT ck_price_components_unit CHECK (unit ~ '^[a-z][a-z0-9_]{0,39}$'),
        CONSTRAINT ck_price_components_amount CHECK (amount >= 0),
        CONSTRAINT ck_price_components_tier CHECK (prompt_tokens_above >= 0),
        CONSTRAINT ck_price_components_window CHECK ((window_start IS NULL) = (window_end IS NULL))
      )`);
    await q.query(`
      CREATE UNIQUE INDEX ux_price_components_key ON price_components
        (version_id, unit, prompt_tokens_above, coalesce(window_start, '00:00'::time), coalesce(window_end, '00:00'::time))`);

    await q.query(`
      CREATE TABLE price_locks (
        offering_id uuid NOT NULL,
        locked_by text NOT NULL,
        locked_at timestamptz NOT NULL DEFAULT now(),
        reason text NULL,
        CONSTRAINT pk_price_locks PRIMARY KEY (offering_id),
        CONSTRAINT fk_price_locks_offering FOREIGN KEY (offering_id) REFERENCES offerings (id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE price_locks`);
    await q.query(`DROP TABLE price_components`);
    await q.query(`DROP TABLE price_versions`);
  }
}
