import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Currency conversion for cost reports (libs/api/cost-tracking): daily exchange rates (USD per unit of a currency),
 * the USD value of each rollup row (cost × the rate stored on each event, the rate of its usage date), and how many
 * priced events had no rate yet (their USD value is unknown, never zero).
 */
export class FxRates1764700000000 implements MigrationInterface {
  name = 'FxRates1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fx_rates (
        currency char(3) NOT NULL,
        day date NOT NULL,
        usd_per_unit numeric NOT NULL,
        source text NOT NULL DEFAULT 'operator',
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_fx_rates PRIMARY KEY (currency, day),
        CONSTRAINT ck_fx_rates_currency CHECK (currency ~ '^[A-Z]{3}$' AND currency <> 'USD'),
        CONSTRAINT ck_fx_rates_rate CHECK (usd_per_unit > 0)
      )`);
    await q.query(`
      ALTER TABLE usage_daily
        ADD COLUMN cost_usd numeric NOT NULL DEFAULT 0,
        ADD COLUMN unconverted_events bigint NOT NULL DEFAULT 0`);
    // Existing rows: USD as is; other currencies from their events (the rate each event stored, if any).
    await q.query(`UPDATE usage_daily SET cost_usd = cost WHERE currency = 'USD'`);
    await q.query(`
      UPDATE usage_daily d SET cost_usd = s.usd, unconverted_events = s.unconverted
        FROM (SELECT (e.occurred_at AT TIME ZONE 'UTC')::date AS day, e.user_id,
                     coalesce(e.api_key_id, '00000000-0000-0000-0000-000000000000') AS api_key_id, e.project, e.provider,
                     coalesce(e.resolved_model, e.model) AS model, e.currency,
                     coalesce(sum(e.total_cost * e.fx_rate), 0) AS usd,
                     count(*) FILTER (WHERE e.total_cost IS NOT NULL AND e.fx_rate IS NULL) AS unconverted
                FROM usage_events e WHERE e.currency <> 'USD' GROUP BY 1, 2, 3, 4, 5, 6, 7) s
       WHERE d.currency <> 'USD' AND d.day = s.day AND d.user_id = s.user_id AND d.api_key_id = s.api_key_id
         AND d.project = s.project AND d.provider = s.provider AND d.model = s.model AND d.currency = s.currency`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE usage_daily DROP COLUMN cost_usd, DROP COLUMN unconverted_events`);
    await q.query(`DROP TABLE fx_rates`);
  }
}
