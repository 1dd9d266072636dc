// npm run bench:search  (after npm run build and npm run bench:data -- --models 1000000, with DATABASE_URL set)
// Starts the built API on DATABASE_URL and measures GET /api/v1/models with a text query, two filters and sort by
// downloads (page 20) with autocannon at a fixed 200 requests/s, then the same SQL run directly with pg, then the
// lineage of the bench's hub model (10,000 descendants). Prints p50/p99, requests/s and the API/SQL ratio.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL to the database loaded by npm run bench:data.');
  process.exit(2);
}
const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const rate = Number(process.env.BENCH_RATE ?? 200);
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const port = await freePort();
const api = spawn(process.execPath, ['dist/apps/api/main.js'], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    LOG_LEVEL: 'warn',
    JOBS_ENABLED: 'false',
    CATALOG_DEMO_SEED: 'false',
    RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (;;) {
  try {
    if ((await fetch(`${base}/api/v1/health/ready`)).ok) break;
  } catch {
    // starting
  }
  await new Promise((r) => setTimeout(r, 100));
}

const path =
  '/api/v1/models?q=llama%20instruct&pipeline_tag=text-generation&open_weights=true&sort=downloads&page=20&per_page=20';
const sample = await (await fetch(base + path)).json();
console.log(
  `query: ${path}\n  total ${sample.meta.total}${sample.meta.total_estimated ? '+' : ''}, ${sample.data.length} rows on page 20`,
);
await autocannon({ url: base + path, connections: 10, duration: 3 }); // warm-up
const result = await autocannon({ url: base + path, connections: 20, duration: seconds, overallRate: rate });
console.log(
  `API   (${rate}/s for ${seconds} s): p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.requests.average.toFixed(0)} req/s, ` +
    `${result.errors} errors, ${result.non2xx} non-2xx`,
);

// The same SQL the API runs for this request (rows, then the capped count), straight through pg.
const where = `m.deleted_at IS NULL AND (m.search_vector @@ to_tsquery('simple', $1) OR lower(m.id) = $2) AND m.pipeline_tag = $3 AND m.open_weights IS TRUE`;
const params = ['llama:* & instruct:*', 'llama instruct', 'text-generation'];
const client = new pg.Client({ connectionString: url });
await client.connect();
const raw = [];
const until = performance.now() + Math.min(seconds, 15) * 1000;
while (performance.now() < until) {
  const t = performance.now();
  await client.query(
    `SELECT m.id, m.display_name, m.author, m.creator_vendor, m.pipeline_tag, m.library_name, m.license, m.context_window, m.open_weights,
            m.downloads::float8 AS downloads, m.likes, m.trending_score, m.hf_created_at, m.tags, (m.downloads)::text AS sort_key
       FROM models m WHERE ${where} ORDER BY m.downloads DESC, m.id OFFSET 380 LIMIT 20`,
    params,
  );
  await client.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM models m WHERE ${where} LIMIT 10001) c`, params);
  raw.push(performance.now() - t);
}
raw.sort((a, b) => a - b);
const rawP50 = pct(raw, 50);
console.log(`SQL   (sequential, ${raw.length} runs): p50 ${rawP50.toFixed(1)} ms, p99 ${pct(raw, 99).toFixed(1)} ms`);
console.log(`ratio API p50 / SQL p50: ${(result.latency.p50 / rawP50).toFixed(2)}`);

const hub = (
  await client.query(
    `SELECT base_model_id AS id, count(*) FROM base_model_relations GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
  )
).rows[0].id;
await client.end();
for (const [label, suffix] of [
  ['ancestry', '/ancestry'],
  ['derivatives (depth 2, page 1)', '/derivatives?depth=2'],
]) {
  const times = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    const res = await fetch(`${base}/api/v1/models/${hub}${suffix}`);
    await res.json();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${label} of ${hub}: p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms`);
}
api.kill('SIGTERM');
