// npm run test:load: the load suite of issue #9 (part of npm test and npm run test:hardening).
//
// Starts the built API as its own process (on a throwaway database on DATABASE_URL's server, or on an embedded
// PostgreSQL of its own when DATABASE_URL is not set) with the demo catalog and prices, then drives a mixed public
// workload with autocannon: searches, model pages, a model's prices, the price list and cost estimates. It measures
// the maximum throughput with no rate limit, then holds 80 % of it for LOAD_SECONDS (default 60) and fails unless
// every answer was a 2xx with no error or timeout. Prints the figures (requests/s, p50/p99/max latency) as JSON.
//
// Per-IP rate limits are raised for the run: the point is the server's capacity, not the limiter (which has its own
// tests). The response cache stays on, as in production.
import autocannon from 'autocannon';
// The benchmarks' harness (start the built API, throwaway database): tooling shared by scripts, not a library.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { requireBuild, startBuiltApi, suiteDatabase } from '../../../../bench/lib.mjs';

const HOLD_SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const PROBE_SECONDS = Number(process.env.LOAD_PROBE_SECONDS ?? 10);
const CONNECTIONS = 16;

requireBuild();

const env = { CATALOG_DEMO_SEED: 'true', RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000' };
const database = await suiteDatabase('mph_load');
let api;
let failed = false;
try {
  console.log(`load: starting the API (${database.kind}) …`);
  api = await startBuiltApi(database.firstUrl, { ...env, ...database.firstEnv });
  const requests = await workload(api.base);
  console.log(`load: ${requests.length} distinct requests; measuring the maximum for ${PROBE_SECONDS} s …`);
  await run({ duration: 3, requests }); // warm-up: JIT, pools, caches
  const max = await run({ duration: PROBE_SECONDS, requests });
  const target = Math.floor(max.requests.average * 0.8);
  console.log(
    `load: maximum ${Math.round(max.requests.average)} req/s; holding ${target} req/s for ${HOLD_SECONDS} s …`,
  );
  const held = await run({ duration: HOLD_SECONDS, requests, overallRate: target });
  const figures = {
    workload: 'search, model detail, model prices, price list, cost estimate (public, no key)',
    connections: CONNECTIONS,
    max_rps: Math.round(max.requests.average),
    target_rps: target,
    held_rps: Math.round(held.requests.average),
    held_seconds: HOLD_SECONDS,
    requests: held.requests.total,
    latency_ms: { p50: held.latency.p50, p90: held.latency.p90, p99: held.latency.p99, max: held.latency.max },
    non_2xx: held.non2xx,
    errors: held.errors,
    timeouts: held.timeouts,
  };
  console.log(JSON.stringify(figures, null, 2));
  if (held.non2xx || held.errors || held.timeouts || max.non2xx || max.errors || max.timeouts) {
    console.error(
      `load: FAILED: ${held.non2xx + max.non2xx} non-2xx, ${held.errors + max.errors} errors, ` +
        `${held.timeouts + max.timeouts} timeouts (status counts ${JSON.stringify(statusCounts(held))})`,
    );
    failed = true;
  } else {
    console.log('load: passed (every answer a 2xx, no errors or timeouts)');
  }
} finally {
  await api?.stop();
  await database.cleanup();
}
process.exit(failed ? 1 : 0);

function run(options) {
  return autocannon({ url: api.base, connections: CONNECTIONS, timeout: 10, ...options });
}

function statusCounts(result) {
  return Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
}

/** The mixed public workload, built from what the demo catalog holds; every request is checked to answer 2xx first. */
async function workload(base) {
  const get = async (path) => {
    const res = await fetch(base + path);
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const models = (await get('/api/v1/models?per_page=100')).data;
  const prices = (await get('/api/v1/prices?per_page=100')).data;
  if (models.length < 5 || prices.length < 5)
    throw new Error('The demo catalog did not load (too few models or prices).');
  const requests = [];
  for (const q of ['gpt', 'claude', 'llama', 'gemini', 'mistral', 'qwen', 'instruct', 'embedding']) {
    requests.push({ path: `/api/v1/models?q=${q}` });
    requests.push({ path: `/api/v1/models?q=${q}&sort=price&per_page=10` });
  }
  requests.push({ path: '/api/v1/models?open_weights=true&sort=downloads' });
  requests.push({ path: '/api/v1/models?tool_calling=true&min_context=100000' });
  for (const m of models.slice(0, 20)) {
    requests.push({ path: `/api/v1/models/${encodeURIComponent(m.id)}` });
    requests.push({ path: `/api/v1/models/${encodeURIComponent(m.id)}/prices` });
  }
  requests.push({ path: '/api/v1/prices?provider=openai' });
  requests.push({ path: '/api/v1/prices?provider=anthropic' });
  for (const p of prices.slice(0, 20)) {
    requests.push({
      method: 'POST',
      path: '/api/v1/costs/estimate',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: p.offering.provider,
        model: p.offering.provider_model_id,
        usage: { input_tokens: 12_345, output_tokens: 678 },
      }),
    });
  }
  for (const r of requests) {
    const res = await fetch(base + r.path, { method: r.method ?? 'GET', headers: r.headers, body: r.body });
    if (!res.ok) throw new Error(`${r.method ?? 'GET'} ${r.path} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  return requests.map((r) => ({ method: 'GET', ...r }));
}
