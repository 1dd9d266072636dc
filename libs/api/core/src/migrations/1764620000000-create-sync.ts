import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Price sync (libs/api/pricing): sources an operator manages, runs with their counts, diff and errors, and which
 * offerings each source has seen (so an offering that leaves a feed is marked missing, never deleted).
 */
export class CreateSync1764620000000 implements MigrationInterface {
  name = 'CreateSync1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_sources (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        adapter text NOT NULL,
        url text NOT NULL,
        schedule text NULL,
        enabled boolean NOT NULL DEFAULT true,
        auth_header_name text NULL,
        auth_header_sealed text NULL,
        webhook_secret_sealed text NULL,
        id_rules jsonb NOT NULL DEFAULT '{}',
        max_shrink numeric NOT NULL DEFAULT 0.5,
        max_jump numeric NOT NULL DEFAULT 10,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL,
        CONSTRAINT pk_sync_sources PRIMARY KEY (id),
        CONSTRAINT ck_sync_sources_name CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
        CONSTRAINT ck_sync_sources_adapter CHECK (adapter IN ('litellm', 'openrouter', 'models.dev', 'genai-prices', 'huggingface')),
        CONSTRAINT ck_sync_sources_shrink CHECK (max_shrink > 0 AND max_shrink <= 1),
        CONSTRAINT ck_sync_sources_jump CHECK (max_jump > 1)
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_sync_sources_name ON sync_sources (name) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE sync_runs (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        source_id uuid NULL,
        source_name text NOT NULL,
        adapter text NOT NULL,
        url text NULL,
        trigger text NOT NULL,
        dry_run boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'running',
        phase text NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz NULL,
        counts jsonb NOT NULL DEFAULT '{}',
        plan jsonb NULL,
        errors jsonb NOT NULL DEFAULT '[]',
        error text NULL,
        quarantine_reason text NULL,
        decided_by text NULL,
        decided_at timestamptz NULL,
        started_by text NULL,
        scheduled_for timestamptz NULL,
        CONSTRAINT pk_sync_runs PRIMARY KEY (id),
        CONSTRAINT fk_sync_runs_source FOREIGN KEY (source_id) REFERENCES sync_sources (id),
        CONSTRAINT ck_sync_runs_status CHECK (status IN ('running', 'succeeded', 'failed', 'quarantined', 'approved', 'rejected')),
        CONSTRAINT ck_sync_runs_trigger CHECK (trigger IN ('cron', 'manual', 'cli', 'webhook'))
      )`);
    await q.query(`CREATE INDEX ix_sync_runs_source ON sync_runs (source_id, started_at DESC)`);
    await q.query(`CREATE INDEX ix_sync_runs_started ON sync_runs (started_at DESC)`);
    // A cron tick fires on every instance: the first to insert its run serves it, the others see the conflict.
    await q.query(
      `CREATE UNIQUE INDEX ux_sync_runs_tick ON sync_runs (source_id, scheduled_for) WHERE scheduled_for IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE sync_source_offerings (
        source_id uuid NOT NULL,
        offering_id uuid NOT NULL,
        feed_ref text NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        missing_since timestamptz NULL,
        CONSTRAINT pk_sync_source_offerings PRIMARY KEY (source_id, offering_id),
        CONSTRAINT fk_sync_source_offerings_source FOREIGN KEY (source_id) REFERENCES sync_sources (id),
        CONSTRAINT fk_sync_source_offerings_offering FOREIGN KEY (offering_id) REFERENCES offerings (id)
      )`);

    await q.query(`
      CREATE TABLE sync_webhook_deliveries (
        source_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        run_id uuid NULL,
        CONSTRAINT pk_sync_webhook_deliveries PRIMARY KEY (source_id, idempotency_key),
        CONSTRAINT fk_sync_webhook_deliveries_source FOREIGN KEY (source_id) REFERENCES sync_sources (id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sync_webhook_deliveries`);
    await q.query(`DROP TABLE sync_source_offerings`);
    await q.query(`DROP TABLE sync_runs`);
    await q.query(`DROP TABLE sync_sources`);
  }
}
