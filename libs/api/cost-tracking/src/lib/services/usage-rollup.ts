/**
 * THE one way `usage_daily` changes: a statement that adds rows of counts and costs to their day's rollup row. Usage
 * ingest adds the events it just stored; re-pricing adds the cost deltas of its adjustments. `source` is a SQL
 * relation with the columns below (`api_key_id` may be null; `model` is the resolved model, else the model as sent);
 * the rows are summed per rollup key, so a source may hold one row per event.
 */
export function addToDaily(source: string): string {
  return `INSERT INTO usage_daily (day, user_id, api_key_id, project, provider, model, currency, events, unpriced_events,
                                   input_tokens, output_tokens, cost, cost_usd, unconverted_events)
    SELECT r.day, r.user_id, coalesce(r.api_key_id, '00000000-0000-0000-0000-000000000000'), r.project, r.provider,
           r.model, r.currency, sum(r.events), sum(r.unpriced_events), sum(r.input_tokens), sum(r.output_tokens),
           sum(r.cost), sum(r.cost_usd), sum(r.unconverted_events)
      FROM (${source}) AS r
     GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (day, user_id, api_key_id, project, provider, model, currency) DO UPDATE SET
      events = usage_daily.events + EXCLUDED.events,
      unpriced_events = usage_daily.unpriced_events + EXCLUDED.unpriced_events,
      input_tokens = usage_daily.input_tokens + EXCLUDED.input_tokens,
      output_tokens = usage_daily.output_tokens + EXCLUDED.output_tokens,
      cost = usage_daily.cost + EXCLUDED.cost,
      cost_usd = usage_daily.cost_usd + EXCLUDED.cost_usd,
      unconverted_events = usage_daily.unconverted_events + EXCLUDED.unconverted_events`;
}

/** One rollup delta as re-pricing sends it (a JSON record for `DAILY_DELTAS`). */
export interface DailyDelta {
  day: string;
  user_id: string;
  api_key_id: string | null;
  project: string;
  provider: string;
  model: string;
  currency: string;
  events: number;
  unpriced_events: number;
  input_tokens: number;
  output_tokens: number;
  cost: string;
  cost_usd: string;
  unconverted_events: number;
}

/** `addToDaily`'s source for a JSON array of DailyDelta passed as the statement's first parameter. */
export const DAILY_DELTAS = `SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(
  day date, user_id uuid, api_key_id uuid, project text, provider text, model text, currency text, events bigint,
  unpriced_events bigint, input_tokens bigint, output_tokens bigint, cost numeric, cost_usd numeric,
  unconverted_events bigint)`;
