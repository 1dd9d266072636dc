// npm run bench:search  (after npm run build and npm run bench:data -- --models 1000000, with DATABASE_URL set)
// Starts the built API on DATABASE_URL and measures GET /api/v1/models with a text query, two filters and sort by
// downloads (page 20) with autocannon at a fixed 200 requests/s, then the same SQL run directly with pg, then the
// lineage of the largest hub. The API runs twice: with the response cache off (every request searches) and on (the
// default), each once its search index has loaded. Prints p50/p99, requests/s and the API/SQL ratio.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import { API_NODE_FLAGS } from './lib.mjs';

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

async function startApi(cacheSeconds) {
  const port = await freePort();
  const child = spawn(process.execPath, [...API_NODE_FLAGS, 'dist/apps/api/main.js'], {
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
      RESPONSE_CACHE_SECONDS: String(cacheSeconds),
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
  // The search index loads in the background (PostgreSQL answers until then): measure the index, not its loading.
  if ((process.env.SEARCH_ENGINE ?? 'memory') === 'memory') {
    for (let i = 0; ; i++) {
      const res = await fetch(`${base}/api/v1/models?q=warm${i}`);
      await res.arrayBuffer();
      if (/desc="memory"/.test(res.headers.get('server-timing') ?? '')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { base, stop: () => new Promise((r) => child.once('exit', r).kill('SIGTERM')) };
}

const path =
  '/api/v1/models?q=llama%20instruct&pipeline_tag=text-generation&open_weights=true&sort=downloads&page=20&per_page=20';
const results = {};
for (const [label, cacheSeconds] of [
  ['API, response cache off', 0],
  ['API, response cache on ', 30],
]) {
  const api = await startApi(cacheSeconds);
  if (cacheSeconds === 0) {
    const sample = await (await fetch(api.base + path)).json();
    console.log(
      `query: ${path}\n  total ${sample.meta.total}${sample.meta.total_estimated ? '+' : ''}, ${sample.data.length} rows on page 20`,
    );
  }
  await autocannon({ url: api.base + path, connections: 10, duration: 3 }); // warm-up
  const r = await autocannon({ url: api.base + path, connections: 20, duration: seconds, overallRate: rate });
  results[cacheSeconds] = r;
  console.log(
    `${label} (${rate}/s offered for ${seconds} s): p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ` +
      `${r.requests.average.toFixed(0)} req/s, ${r.errors} errors, ${r.non2xx} non-2xx`,
  );
  if (cacheSeconds === 0) {
    const seq = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await (await fetch(api.base + path)).arrayBuffer();
      seq.push(performance.now() - t);
    }
    seq.sort((a, b) => a - b);
    results.sequential = pct(seq, 50);
    console.log(
      `${label} (sequential, 200 requests): p50 ${pct(seq, 50).toFixed(1)} ms, p99 ${pct(seq, 99).toFixed(1)} ms`,
    );
    const max = await autocannon({ url: api.base + path, connections: 10, duration: Math.min(seconds, 15) });
    console.log(
      `${label} (closed loop, 10 connections): ${max.requests.average.toFixed(0)} req/s max, p50 ${max.latency.p50} ms, p99 ${max.latency.p99} ms`,
    );
  }
  await api.stop();
}

// The SQL search's statement for this request (what the API runs with SEARCH_ENGINE=postgres: one statement collects,
// counts and sorts the matches, then reads the page's rows), straight through pg, one at a time. With the in-process
// index (the default) the ratio compares the API with that SQL, not with its own engine: npm run
// bench:search:distinct reports the index's own time.
const where = `m.deleted_at IS NULL AND (m.search_vector @@ to_tsquery('simple', $1) OR lower(m.id) = $2) AND (m.pipeline_tag = $3) IS TRUE AND m.open_weights IS TRUE`;
const params = ['llama & instruct:*', 'llama instruct', 'text-generation', 380, 20];
const client = new pg.Client({ connectionString: url, options: '-c jit=off' });
await client.connect();
const raw = [];
const until = performance.now() + Math.min(seconds, 15) * 1000;
while (performance.now() < until) {
  const t = performance.now();
  await client.query(
    `WITH hits AS MATERIALIZED (SELECT m.id, m.downloads, m.downloads AS k FROM models m WHERE ${where} LIMIT 10001),
          page AS (SELECT h.*, count(*) OVER ()::int AS total FROM hits h ORDER BY h.k DESC, h.id OFFSET $4 LIMIT $5)
     SELECT m.id, m.display_name, m.author, m.creator_vendor, m.pipeline_tag, m.library_name, m.license, m.context_window,
            m.open_weights, m.downloads::float8 AS downloads, m.likes, m.trending_score, m.hf_created_at, m.tags,
            (m.downloads)::text AS sort_key, h.total
       FROM page h JOIN models m ON m.id = h.id ORDER BY h.k DESC, h.id`,
    params,
  );
  raw.push(performance.now() - t);
}
raw.sort((a, b) => a - b);
const rawP50 = pct(raw, 50);
console.log(`SQL   (sequential, ${raw.length} runs): p50 ${rawP50.toFixed(1)} ms, p99 ${pct(raw, 99).toFixed(1)} ms`);
console.log(
  `ratio API p50 / SQL p50: sequential, cache off ${(results.sequential / rawP50).toFixed(2)}; ` +
    `at ${rate}/s, cache off ${(results[0].latency.p50 / rawP50).toFixed(2)}, cache on ${(results[30].latency.p50 / rawP50).toFixed(2)}`,
);

// Lineage: the hub's derivatives (depth 1, the default, and depth 2) and a grandchild's ancestry, cache off.
const hub = (
  await client.query(
    `SELECT base_model_id AS id, count(*) FROM base_model_relations GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
  )
).rows[0].id;
const grandchild = (
  await client.query(
    `SELECT g.model_id AS id FROM base_model_relations c JOIN base_model_relations g ON g.base_model_id = c.model_id
      WHERE c.base_model_id = $1 LIMIT 1`,
    [hub],
  )
).rows[0].id;
const [{ n: descendants }] = (
  await client.query(
    `WITH RECURSIVE d AS (SELECT model_id FROM base_model_relations WHERE base_model_id = $1
       UNION SELECT r.model_id FROM d JOIN base_model_relations r ON r.base_model_id = d.model_id) SELECT count(*)::int AS n FROM d`,
    [hub],
  )
).rows;
await client.end();
const api = await startApi(0);
for (const [label, target] of [
  [`derivatives of ${hub} (${descendants} descendants), depth 1`, `${hub}/derivatives`],
  [`derivatives of ${hub}, depth 2`, `${hub}/derivatives?depth=2`],
  [`ancestry of ${grandchild}`, `${grandchild}/ancestry`],
]) {
  const times = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    const res = await fetch(`${api.base}/api/v1/models/${target}`);
    if (!res.ok) throw new Error(`${target}: HTTP ${res.status}`);
    await res.json();
    if (i >= 5) times.push(performance.now() - t); // the first few warm the caches
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms`);
}
await api.stop();
