// npm run bench:ingest  (after npm run build; uses the PostgreSQL at BENCH_ADMIN_URL, default the local one, and psql)
// Starts the built API on a throwaway database (demo catalog and prices), signs in, and posts BENCH_EVENTS usage
// events (default 100,000) in batches of 1,000 with BENCH_CONCURRENCY (default 4) batches in flight: each event is
// validated, matched to an offering, priced at its instant and stored with the daily rollup. Then the same rows,
// costs included, go into a copy of the table with a raw COPY (psql \copy), for the ratio.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { requireBuild, signIn, startBuiltApi, throwawayDatabase } from './lib.mjs';

requireBuild();
const total = Number(process.env.BENCH_EVENTS ?? 100_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const db = await throwawayDatabase('mph_bench_ingest');
const url = db.url;
const api = await startBuiltApi(url, {
  ADMIN_EMAIL: 'bench@ingest.local',
  ADMIN_PASSWORD: 'bench-password-123',
  BODY_LIMIT: '10mb',
});
const base = api.base;
const work = mkdtempSync(join(tmpdir(), 'mph-ingest-'));
try {
  const token = await signIn(base, 'bench@ingest.local', 'bench-password-123');
  // Usage names projects the caller may use (an unknown name is refused, never created): make the 20 first.
  for (let p = 0; p < 20; p++) {
    const res = await fetch(`${base}/api/v1/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: `project-${p}` }),
    });
    if (res.status !== 201) throw new Error(`creating project-${p} answered ${res.status}: ${await res.text()}`);
  }
  const models = [
    ['openai', 'gpt-4o-mini'],
    ['openai', 'o3'],
    ['anthropic', 'claude-sonnet-4-5-20250929'],
    ['google', 'gemini-2.5-pro'],
    ['deepseek', 'deepseek-reasoner'],
    ['together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo'],
  ];
  const event = (i) => {
    const [provider, model] = models[i % models.length];
    const input = 500 + ((i * 7919) % 250_000);
    return {
      idempotency_key: `bench-${i}`,
      // Calls arrive roughly in time order, as from real apps: the run walks through 30 days, so a batch of 1,000
      // spans about 7 hours (6 models × 20 projects × 1–2 days of rollup rows per batch).
      timestamp: new Date(Date.UTC(2026, 0, 1) + Math.floor((i / total) * 30 * 86_400_000)).toISOString(),
      provider,
      model,
      usage: { input_tokens: input, cache_read_tokens: Math.floor(input / 4), output_tokens: 50 + (i % 2000) },
      project: `project-${i % 20}`,
    };
  };
  const batches = [];
  for (let start = 0; start < total; start += 1000) {
    batches.push(Array.from({ length: Math.min(1000, total - start) }, (_v, j) => event(start + j)));
  }
  // Bodies are serialized before the clock starts, as the COPY side's file is written before its clock starts.
  const bodies = batches.map((events) => JSON.stringify({ events }));
  const send = async (body) => {
    const res = await fetch(`${base}/api/v1/usage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const t0 = performance.now();
  let stored = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const b = bodies[next++];
        const result = await send(b);
        stored += result.stored;
      }
    }),
  );
  const apiSeconds = (performance.now() - t0) / 1000;

  // The same rows (costs included) through a raw COPY into a copy of the table.
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  await c.query(`CREATE TABLE usage_events_copy (LIKE usage_events INCLUDING ALL)`);
  const csvPath = join(work, 'events.csv');
  await c
    .query(
      `COPY (SELECT user_id, idempotency_key, project, occurred_at, provider, model, offering_id, resolved_model,
                              service_tier, region, usage, input_tokens, output_tokens, total_cost, breakdown, currency,
                              price_version_id FROM usage_events) TO '${csvPath}' WITH (FORMAT csv)`,
    )
    .catch(() => null);
  let copySeconds = NaN;
  if (!existsSync(csvPath)) {
    // The server may not write to our temp dir: export through psql instead.
    execFileSync('psql', [
      url,
      '-qc',
      `\\copy (SELECT user_id, idempotency_key, project, occurred_at, provider, model, offering_id, resolved_model, service_tier, region, usage, input_tokens, output_tokens, total_cost, breakdown, currency, price_version_id FROM usage_events) TO '${csvPath}' WITH (FORMAT csv)`,
    ]);
  }
  // COPY is short and so the more sensitive to a noisy machine: the median of three runs.
  const copyRuns = [];
  for (let run = 0; run < 3; run++) {
    await c.query('TRUNCATE usage_events_copy');
    const t1 = performance.now();
    execFileSync('psql', [
      url,
      '-qc',
      `\\copy usage_events_copy (user_id, idempotency_key, project, occurred_at, provider, model, offering_id, resolved_model, service_tier, region, usage, input_tokens, output_tokens, total_cost, breakdown, currency, price_version_id) FROM '${csvPath}' WITH (FORMAT csv)`,
    ]);
    copyRuns.push((performance.now() - t1) / 1000);
  }
  copySeconds = copyRuns.sort((a, b) => a - b)[1];
  const [{ n, rolled }] = (
    await c.query(
      `SELECT (SELECT count(*) FROM usage_events)::int AS n, (SELECT sum(events) FROM usage_daily)::int AS rolled`,
    )
  ).rows;
  await c.end();
  const apiRate = stored / apiSeconds;
  const copyRate = n / copySeconds;
  console.table([
    {
      path: 'POST /api/v1/usage (validate, match, price, store, rollup)',
      events: stored,
      seconds: apiSeconds.toFixed(2),
      'events/s': Math.round(apiRate),
    },
    {
      path: 'raw COPY of the same rows (psql \\copy, median of 3)',
      events: n,
      seconds: copySeconds.toFixed(2),
      'events/s': Math.round(copyRate),
    },
  ]);
  console.log(
    `ratio API / COPY: ${(apiRate / copyRate).toFixed(2)} (goal ≥ 0.3); events/s goal ≥ 20,000; rollup events ${rolled} = stored ${n}: ${rolled === n}`,
  );
} finally {
  await api.stop();
  rmSync(work, { recursive: true, force: true });
  await db.drop();
}
