// npm run bench:gateway  (after npm run build; uses the PostgreSQL at BENCH_ADMIN_URL, default the local one)
// The fake OpenAI upstream (libs/api/chat/testing, bundled with esbuild) runs in its own process; the built API runs
// on a throwaway database with a connection to it. The same requests go to the fake directly (A) and through
// /v1/chat/completions (B), alternating A/B in one run, timed per request with keep-alive clients:
//  1. one at a time, JSON answers: added latency p50/p99;
//  2. one at a time, streamed: added time to the first streamed byte (the first content chunk);
//  3. paced evenly (not autocannon's per-second bursts) at BENCH_RATE (default 200) requests/s each for
//     BENCH_SECONDS (default 10): added p50/p99 under load;
//  4. rising paced rates through the gateway until it stops keeping up: the highest rate held without queueing
//     (≥ 97 % of the offered rate completed and p99 under 50 ms).
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, percentile, requireBuild, signIn, startBuiltApi, throwawayDatabase } from './lib.mjs';

requireBuild();
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1000);
const work = mkdtempSync(join(tmpdir(), 'mph-gateway-'));

// The fake upstream, bundled from its TypeScript source, in a process of its own.
await build({
  entryPoints: [resolve('libs/api/chat/testing/fake-upstream.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: join(work, 'fake-upstream.cjs'),
  logLevel: 'error',
});
const fakePort = await freePort();
writeFileSync(
  join(work, 'run-fake.cjs'),
  `const { FakeUpstream } = require('./fake-upstream.cjs');
   new FakeUpstream().start(${fakePort}).then(() => process.send('ready'));`,
);
const fake = spawn(process.execPath, [join(work, 'run-fake.cjs')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
await new Promise((r) => fake.once('message', r));
const direct = `http://127.0.0.1:${fakePort}/v1`;

const db = await throwawayDatabase('mph_bench_gateway');
const api = await startBuiltApi(db.url, {
  ADMIN_EMAIL: 'bench@gateway.local',
  ADMIN_PASSWORD: 'bench-password-123',
  PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
  SECRETS_KEY: '0000000000000000000000000000000000000000000000000000000000000002',
});
const agent = new http.Agent({ keepAlive: true, maxSockets: 2048 });

/** One POST, timed: resolves with [total ms, first body byte ms]. */
function post(url, body, headers = {}) {
  return new Promise((resolveReq, reject) => {
    const started = performance.now();
    let first = 0;
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.on('data', (chunk) => {
          // The first content token: a chunk carrying delta content (streams) or the JSON answer.
          if (!first && (!body.stream || chunk.includes('"content":"Echo'))) first = performance.now() - started;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
          else resolveReq([performance.now() - started, first]);
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

try {
  const token = await signIn(api.base, 'bench@gateway.local', 'bench-password-123');
  const call = async (path, body) => {
    const res = await fetch(`${api.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  await call('/api/v1/connections', {
    name: 'fake',
    base_url: direct,
    provider: 'openai',
    shared: true,
    api_key: 'sk-bench',
    models: [{ model: 'gpt-4o-mini' }],
  });
  const { key } = await call('/api/v1/api-keys', { name: 'bench', scopes: ['gateway'] });
  const gateway = `${api.base}/v1`;
  const auth = { authorization: `Bearer ${key}` };
  const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How much does this cost?' }] };
  const streamed = { ...body, stream: true };

  const pair = async (n, payload) => {
    const a = [];
    const b = [];
    for (let i = 0; i < n; i++) {
      a.push(await post(`${direct}/chat/completions`, payload));
      b.push(await post(`${gateway}/chat/completions`, payload, auth));
    }
    return { a, b };
  };
  await pair(200, body); // warm-up: JIT, keep-alive sockets, caches
  await pair(100, streamed);

  const rows = [];
  const added = (a, b, p, i = 0) =>
    percentile(
      b.map((x) => x[i]),
      p,
    ) -
    percentile(
      a.map((x) => x[i]),
      p,
    );
  const seq = await pair(SEQUENTIAL, body);
  rows.push({
    figure: `one at a time, JSON (${SEQUENTIAL} each)`,
    'direct p50': percentile(
      seq.a.map((x) => x[0]),
      50,
    ).toFixed(2),
    'gateway p50': percentile(
      seq.b.map((x) => x[0]),
      50,
    ).toFixed(2),
    'added p50 ms': added(seq.a, seq.b, 50).toFixed(2),
    'added p99 ms': added(seq.a, seq.b, 99).toFixed(2),
  });
  const st = await pair(Math.round(SEQUENTIAL / 2), streamed);
  rows.push({
    figure: `one at a time, first streamed token (${Math.round(SEQUENTIAL / 2)} each)`,
    'direct p50': percentile(
      st.a.map((x) => x[1]),
      50,
    ).toFixed(2),
    'gateway p50': percentile(
      st.b.map((x) => x[1]),
      50,
    ).toFixed(2),
    'added p50 ms': added(st.a, st.b, 50, 1).toFixed(2),
    'added p99 ms': added(st.a, st.b, 99, 1).toFixed(2),
  });

  /** Requests started on an even schedule (drift-corrected), `targets` alternating; resolves with timings per target. */
  const paced = async (rate, seconds, targets) => {
    const total = Math.round(rate * seconds * targets.length);
    const interval = 1000 / (rate * targets.length);
    const results = targets.map(() => []);
    const errors = targets.map(() => 0);
    const inflight = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + i * interval;
      const now = performance.now();
      if (due > now + 1) await new Promise((r) => setTimeout(r, due - now));
      const k = i % targets.length;
      inflight.push(
        post(targets[k].url, body, targets[k].headers).then(
          (x) => results[k].push(x),
          () => errors[k]++,
        ),
      );
    }
    await Promise.all(inflight);
    return { results, errors, elapsed: (performance.now() - t0) / 1000 };
  };
  const A = { url: `${direct}/chat/completions`, headers: {} };
  const B = { url: `${gateway}/chat/completions`, headers: auth };
  const load = await paced(RATE, SECONDS, [A, B]);
  rows.push({
    figure: `paced ${RATE} req/s each, ${SECONDS} s, JSON`,
    'direct p50': percentile(
      load.results[0].map((x) => x[0]),
      50,
    ).toFixed(2),
    'gateway p50': percentile(
      load.results[1].map((x) => x[0]),
      50,
    ).toFixed(2),
    'added p50 ms': added(load.results[0], load.results[1], 50).toFixed(2),
    'added p99 ms': added(load.results[0], load.results[1], 99).toFixed(2),
  });
  console.table(rows);
  console.log(`errors under load: direct ${load.errors[0]}, gateway ${load.errors[1]}`);

  let held = 0;
  for (const rate of [200, 400, 600, 800, 1000, 1200, 1400, 1600, 2000]) {
    const r = await paced(rate, 5, [B]);
    const done = r.results[0].length;
    const p99 = percentile(
      r.results[0].map((x) => x[0]),
      99,
    );
    const achieved = done / r.elapsed;
    const ok = r.errors[0] === 0 && achieved >= 0.97 * rate && p99 < 50;
    console.log(
      `gateway at ${rate} req/s offered: ${Math.round(achieved)} req/s done, p50 ${percentile(
        r.results[0].map((x) => x[0]),
        50,
      ).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${r.errors[0]} errors → ${ok ? 'held' : 'queueing'}`,
    );
    if (!ok) break;
    held = rate;
  }
  console.log(`highest rate held without queueing: ${held} req/s (goal ≥ 1,000)`);
  console.log('goals: added p50 ≤ 1 ms and p99 ≤ 5 ms at 200 req/s; added first byte ≤ 1 ms');
} finally {
  agent.destroy();
  await api.stop();
  fake.kill();
  await db.drop();
  rmSync(work, { recursive: true, force: true });
}
