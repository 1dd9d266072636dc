import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gateway rate limits (libs/api/chat): requests and tokens per minute for an API key or a project, enforced as token
 * buckets by every instance (limits cached, dropped on change through the notify trigger).
 */
export class GatewayLimits1764730000000 implements MigrationInterface {
  name = 'GatewayLimits1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway_limits (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        scope text NOT NULL,
        scope_id text NOT NULL,
        requests_per_minute integer NULL,
        tokens_per_minute integer NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_gateway_limits PRIMARY KEY (id),
        CONSTRAINT uq_gateway_limits_scope UNIQUE (scope, scope_id),
        CONSTRAINT ck_gateway_limits_scope CHECK (scope IN ('api_key', 'project')),
        CONSTRAINT ck_gateway_limits_values CHECK (
          (requests_per_minute IS NULL OR requests_per_minute > 0) AND (tokens_per_minute IS NULL OR tokens_per_minute > 0))
      )`);
    await q.query(
      `CREATE TRIGGER tr_gateway_limits_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gateway_limits
         FOR EACH STATEMENT EXECUTE FUNCTION mph_notify_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway_limits`);
  }
}
