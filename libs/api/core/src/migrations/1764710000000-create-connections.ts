import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat and gateway (libs/api/chat), part one: provider connections (an upstream that speaks the OpenAI wire format, or
 * the built-in local provider) and the models each serves. `provider_slug` names the catalog provider whose prices apply
 * to its calls (a model without an explicit offering is matched under it). Keys are sealed with SECRETS_KEY (AES-256-GCM), never
 * stored in clear. A connection without an owner is admin-level and serves everyone; members may add their own.
 */
export class CreateConnections1764710000000 implements MigrationInterface {
  name = 'CreateConnections1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_connections (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        owner_id uuid NULL,
        name text NOT NULL,
        kind text NOT NULL,
        base_url text NULL,
        provider_slug text NULL,
        api_key_sealed text NULL,
        api_key_hint text NULL,
        enabled boolean NOT NULL DEFAULT true,
        priority integer NOT NULL DEFAULT 100,
        connect_timeout_ms integer NOT NULL DEFAULT 5000,
        first_token_timeout_ms integer NOT NULL DEFAULT 60000,
        total_timeout_ms integer NOT NULL DEFAULT 600000,
        max_retries integer NOT NULL DEFAULT 2,
        breaker_failures integer NOT NULL DEFAULT 5,
        breaker_cooldown_ms integer NOT NULL DEFAULT 30000,
        response_cache_seconds integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL,
        CONSTRAINT pk_provider_connections PRIMARY KEY (id),
        CONSTRAINT fk_provider_connections_owner FOREIGN KEY (owner_id) REFERENCES users (id),
        CONSTRAINT ck_provider_connections_kind CHECK (kind IN ('openai-compatible', 'local')),
        CONSTRAINT ck_provider_connections_url CHECK (kind = 'local' OR base_url IS NOT NULL),
        CONSTRAINT ck_provider_connections_limits CHECK (
          connect_timeout_ms > 0 AND first_token_timeout_ms > 0 AND total_timeout_ms > 0 AND max_retries >= 0
          AND breaker_failures > 0 AND breaker_cooldown_ms > 0 AND response_cache_seconds >= 0)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX ux_provider_connections_name ON provider_connections
         (coalesce(owner_id, '00000000-0000-0000-0000-000000000000'), lower(name)) WHERE deleted_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE connection_models (
        connection_id uuid NOT NULL,
        model text NOT NULL,
        upstream_model text NOT NULL,
        offering_id uuid NULL,
        CONSTRAINT pk_connection_models PRIMARY KEY (connection_id, model),
        CONSTRAINT fk_connection_models_connection FOREIGN KEY (connection_id)
          REFERENCES provider_connections (id) ON DELETE CASCADE,
        CONSTRAINT fk_connection_models_offering FOREIGN KEY (offering_id) REFERENCES offerings (id)
      )`);
    await q.query(`CREATE INDEX ix_connection_models_model ON connection_models (model)`);
    // The gateway keeps routes, keys and budgets in memory: it must hear when any instance changes them.
    for (const t of ['provider_connections', 'connection_models', 'api_keys', 'users', 'budgets']) {
      await q.query(
        `CREATE TRIGGER tr_${t}_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t}
           FOR EACH STATEMENT EXECUTE FUNCTION mph_notify_change()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['provider_connections', 'connection_models', 'api_keys', 'users', 'budgets']) {
      await q.query(`DROP TRIGGER tr_${t}_changes ON ${t}`);
    }
    await q.query(`DROP TABLE connection_models`);
    await q.query(`DROP TABLE provider_connections`);
  }
}
