import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cost tracking (libs/api/cost-tracking): usage events (append-only, cost frozen when stored, one row per
 * idempotency key and user) and their daily rollup, kept in the same statement as every insert so reports always
 * agree with the events.
 */
export class CreateUsage1764640000000 implements MigrationInterface {
  name = 'CreateUsage1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE usage_events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        user_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        api_key_id uuid NULL,
        project text NOT NULL DEFAULT '',
        session_id text NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        provider text NOT NULL,
        model text NOT NULL,
        offering_id uuid NULL,
        resolved_model text NULL,
        service_tier text NOT NULL DEFAULT 'standard',
        region text NOT NULL DEFAULT '',
        usage jsonb NOT NULL,
        input_tokens bigint NOT NULL DEFAULT 0,
        output_tokens bigint NOT NULL DEFAULT 0,
        total_cost numeric NULL,
        breakdown jsonb NULL,
        currency char(3) NOT NULL DEFAULT 'USD',
        fx_rate numeric NULL,
        price_version_id uuid NULL,
        cost_error text NULL,
        latency_ms integer NULL,
        ttft_ms integer NULL,
        status text NOT NULL DEFAULT 'success',
        error_class text NULL,
        CONSTRAINT pk_usage_events PRIMARY KEY (id),
        CONSTRAINT fk_usage_events_user FOREIGN KEY (user_id) REFERENCES users (id),
        CONSTRAINT ck_usage_events_status CHECK (status IN ('success', 'error', 'partial', 'cached')),
        CONSTRAINT ck_usage_events_cost CHECK (total_cost IS NULL OR total_cost >= 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_usage_events_key ON usage_events (user_id, idempotency_key)`);
    await q.query(`CREATE INDEX ix_usage_events_time ON usage_events (occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_usage_events_user_time ON usage_events (user_id, occurred_at DESC, id DESC)`);

    // One row per day and dimension combination; the dimensions are NOT NULL ('' for none) so ON CONFLICT can merge.
    await q.query(`
      CREATE TABLE usage_daily (
        day date NOT NULL,
        user_id uuid NOT NULL,
        api_key_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
        project text NOT NULL DEFAULT '',
        provider text NOT NULL,
        model text NOT NULL,
        currency char(3) NOT NULL,
        events bigint NOT NULL DEFAULT 0,
        unpriced_events bigint NOT NULL DEFAULT 0,
        input_tokens bigint NOT NULL DEFAULT 0,
        output_tokens bigint NOT NULL DEFAULT 0,
        cost numeric NOT NULL DEFAULT 0,
        CONSTRAINT pk_usage_daily PRIMARY KEY (day, user_id, api_key_id, project, provider, model, currency)
      )`);
    await q.query(`CREATE INDEX ix_usage_daily_user ON usage_daily (user_id, day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE usage_daily`);
    await q.query(`DROP TABLE usage_events`);
  }
}
