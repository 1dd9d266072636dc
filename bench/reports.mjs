// npm run bench:reports  (after npm run build; uses the PostgreSQL at BENCH_ADMIN_URL, default the local one)
// Loads BENCH_EVENTS usage events (default 10,000,000) over 30 days, 20 models, 10 projects and 5 users straight into
// a throwaway database (generate_series, then the daily rollup built the way ingest maintains it), starts the built
// API and times GET /api/v1/costs/summary by day × model for the 30 days (what the dashboard asks), plus the same
// answer computed from the raw events for comparison. Prints p50/p95 of 20 runs.
import pg from 'pg';
import { percentile, requireBuild, signIn, startBuiltApi, throwawayDatabase } from './lib.mjs';

requireBuild();
const total = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const db = await throwawayDatabase('mph_bench_reports');
const api = await startBuiltApi(db.url, {
  CATALOG_DEMO_SEED: 'false',
  ADMIN_EMAIL: 'bench@reports.local',
  ADMIN_PASSWORD: 'bench-password-123',
});
const base = api.base;
const c = new pg.Client({ connectionString: db.url });
c.on('error', () => undefined);
const pct = percentile;
try {
  await c.connect();
  const [{ id: adminId }] = (await c.query(`SELECT id FROM users WHERE email = 'bench@reports.local'`)).rows;
  const t0 = performance.now();
  // Bulk load without the secondary indexes (rebuilt after), as a restore would.
  await c.query(`DROP INDEX ux_usage_events_key, ix_usage_events_time, ix_usage_events_user_time`);
  const chunk = 1_000_000;
  for (let start = 0; start < total; start += chunk) {
    await c.query(
      `INSERT INTO usage_events (user_id, idempotency_key, project, occurred_at, provider, model, resolved_model, usage,
                                 input_tokens, output_tokens, total_cost, currency)
       SELECT $1, 'k' || g, 'project-' || (g % 10), timestamptz '2026-01-01' + (g % 43200) * interval '1 minute',
              'provider-' || (g % 5), 'model-' || (g % 20), 'bench/model-' || (g % 20),
              jsonb_build_object('input_tokens', 1000 + g % 5000, 'output_tokens', 100 + g % 700),
              1000 + g % 5000, 100 + g % 700, ((1000 + g % 5000) * 0.0000025 + (100 + g % 700) * 0.00001)::numeric, 'USD'
         FROM generate_series($2::bigint, $3::bigint) g`,
      [adminId, start + 1, Math.min(start + chunk, total)],
    );
    process.stderr.write(`  loaded ${Math.min(start + chunk, total).toLocaleString('en-US')} events\n`);
  }
  await c.query(`CREATE UNIQUE INDEX ux_usage_events_key ON usage_events (user_id, idempotency_key)`);
  await c.query(`CREATE INDEX ix_usage_events_time ON usage_events (occurred_at DESC, id DESC)`);
  await c.query(`CREATE INDEX ix_usage_events_user_time ON usage_events (user_id, occurred_at DESC, id DESC)`);
  await c.query(
    `INSERT INTO usage_daily (day, user_id, api_key_id, project, provider, model, currency, events, unpriced_events,
                              input_tokens, output_tokens, cost)
     SELECT (occurred_at AT TIME ZONE 'UTC')::date, user_id, '00000000-0000-0000-0000-000000000000'::uuid, project, provider,
            coalesce(resolved_model, model), currency, count(*), 0, sum(input_tokens), sum(output_tokens), sum(total_cost)
       FROM usage_events GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  );
  await c.query('VACUUM ANALYZE usage_events');
  await c.query('VACUUM ANALYZE usage_daily');
  const loadSeconds = (performance.now() - t0) / 1000;
  const [{ n, rolled }] = (
    await c.query(
      `SELECT (SELECT count(*) FROM usage_events)::int AS n, (SELECT count(*) FROM usage_daily)::int AS rolled`,
    )
  ).rows;

  const token = await signIn(base, 'bench@reports.local', 'bench-password-123');
  const path = '/api/v1/costs/summary?from=2026-01-01&to=2026-01-30&group_by=day,model';
  const api = [];
  let rows = 0;
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    if (!res.ok) throw new Error(`summary answered ${res.status}: ${JSON.stringify(body)}`);
    if (i > 0) api.push(performance.now() - t);
    rows = body.data.length;
  }
  const raw = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await c.query(
      `SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(resolved_model, model) AS model, sum(total_cost)
         FROM usage_events WHERE occurred_at >= '2026-01-01' AND occurred_at < '2026-01-31' GROUP BY 1, 2`,
    );
    raw.push(performance.now() - t);
  }
  console.log(
    `${n.toLocaleString('en-US')} events loaded in ${loadSeconds.toFixed(0)} s; rollup ${rolled.toLocaleString('en-US')} rows`,
  );
  console.table([
    { query: `GET ${path} (rollup)`, rows, 'p50 ms': pct(api, 50).toFixed(1), 'p95 ms': pct(api, 95).toFixed(1) },
    {
      query: 'same answer from the raw events (SQL)',
      rows,
      'p50 ms': pct(raw, 50).toFixed(0),
      'p95 ms': pct(raw, 95).toFixed(0),
    },
  ]);
  console.log('Goal: summary over 10,000,000 events by day × model for 30 days ≤ 200 ms.');
} finally {
  await api.stop();
  await c.end().catch(() => undefined);
  await db.drop();
}
