// npm run bench:search:distinct [-- --engine memory|postgres] [--rates 25,50,100,200,400] [--seconds 20]
// (after npm run build and npm run bench:data -- --models 1000000, with DATABASE_URL set to that database)
//
// Catalog search as public REST consumers use it: every request a different query (one or two words that occur in
// model ids, sometimes cut short as when typing; random filters on pipeline tag, library and open weights; sorts by
// relevance, downloads, likes, trending, created, updated; pages 1-5), so the response cache (on, as users get it)
// cannot answer. Starts the built API with SEARCH_ENGINE=<engine>, waits until its search index is loaded, then:
//  - sequential requests: p50/p99 of the API and of the engine itself (the API's Server-Timing "search" duration:
//    the index or the SQL, plus the page's rows and prices, without HTTP), and their ratio;
//  - an open loop at each offered rate: requests are sent on schedule whatever the answers do, and each latency is
//    counted from its scheduled time (a stalled server cannot hide its queue); p50/p99, served rate, errors;
//  - memory: the API's resident set and the database server's (PSS of its processes) at idle and at the 200/s step.
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { requireBuild, seededRandom, startBuiltApi } from './lib.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL to the database loaded by npm run bench:data -- --models 1000000.');
  process.exit(2);
}
requireBuild();
const engine = arg('engine', 'memory');
const rates = arg('rates', '25,50,100,200,400').split(',').map(Number);
const seconds = Number(arg('seconds', '20'));
const timeoutMs = 10_000;

// Deterministic queries, never the same twice in a run.
const rand = seededRandom(Number(arg('seed', '7')));
const pick = (list) => list[Math.floor(rand() * list.length)];
const WORDS = [
  'llama',
  'qwen',
  'mistral',
  'gemma',
  'phi',
  'deepseek',
  'falcon',
  'bert',
  'stablelm',
  'olmo',
  'mixtral',
  'smollm',
  'granite',
  'internlm',
  'instruct',
  'chat',
  'base',
  'code',
  'coder',
  'math',
  'sft',
  'dpo',
  'gguf',
  'awq',
  'gptq',
  'exl2',
  'lora',
  'merge',
  'uncensored',
  'roleplay',
  'medical',
  '7b',
  '8b',
  '13b',
  '14b',
  '32b',
  '70b',
  '1b',
  '3b',
  'v2',
  'fp8',
  'mlx',
  '4bit',
  'bartowski',
  'thebloke',
  'unsloth',
  'google',
  'microsoft',
];
const PIPELINES = [
  'text-generation',
  'text-classification',
  'feature-extraction',
  'text2text-generation',
  'image-text-to-text',
];
const LIBRARIES = ['transformers', 'gguf', 'peft', 'sentence-transformers', 'mlx'];
const SORTS = ['relevance', 'relevance', 'downloads', 'downloads', 'likes', 'trending', 'created', 'updated'];
const seen = new Set();
function nextQuery() {
  for (;;) {
    const n = rand() < 0.55 ? 1 : 2;
    const ws = [];
    for (let i = 0; i < n; i++) ws.push(pick(WORDS));
    // Typing: the last word cut to 3-5 letters now and then.
    const last = ws[ws.length - 1];
    if (last.length > 4 && rand() < 0.25) ws[ws.length - 1] = last.slice(0, 3 + Math.floor(rand() * 3));
    const p = new URLSearchParams({ q: ws.join(' ') });
    if (rand() < 0.3) p.set('pipeline_tag', pick(PIPELINES));
    if (rand() < 0.2) p.set('library', pick(LIBRARIES));
    if (rand() < 0.2) p.set('open_weights', 'true');
    const sort = pick(SORTS);
    if (sort !== 'relevance') p.set('sort', sort);
    const page = 1 + Math.floor(Math.pow(rand(), 2) * 5);
    if (page > 1) p.set('page', String(page));
    p.set('per_page', '20');
    const path = `/api/v1/models?${p}`;
    if (!seen.has(path)) {
      seen.add(path);
      return path;
    }
  }
}
const pct = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
const f = (v) => (Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));

// Memory: the API's RSS; the database's processes' PSS (shared buffers counted once, shared among them).
const kb = (text, key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
const apiMb = (pid) => kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') / 1024;
let pgRoot = null;
function dbMb() {
  if (!pgRoot) return NaN;
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (Number(d) !== pgRoot && ppid !== pgRoot) continue;
      total += kb(readFileSync(`/proc/${d}/smaps_rollup`, 'utf8'), 'Pss');
    } catch {
      // gone, or not ours to read
    }
  }
  return total / 1024;
}

const db = new pg.Client({ connectionString: url });
await db.connect();
const [{ models }] = (await db.query(`SELECT count(*)::int AS models FROM models WHERE deleted_at IS NULL`)).rows;
try {
  const [{ dir }] = (await db.query(`SELECT current_setting('data_directory') AS dir`)).rows;
  pgRoot = Number(readFileSync(`${dir}/postmaster.pid`, 'utf8').split('\n')[0]);
} catch {
  // not readable (another user's server): the database's memory is not reported
}
await db.end();

const api = await startBuiltApi(url, { CATALOG_DEMO_SEED: 'false', SEARCH_ENGINE: engine });
const base = api.base;
const startedAt = performance.now();

async function get(path) {
  const res = await fetch(base + path, { signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer();
  const header = res.headers.get('server-timing') ?? '';
  const timing = /search;dur=([\d.]+);desc="(\w+)"/.exec(header);
  const index = /index;dur=([\d.]+)/.exec(header);
  return {
    ok: res.ok,
    status: res.status,
    engineMs: timing ? Number(timing[1]) : NaN,
    indexMs: index ? Number(index[1]) : NaN,
    engine: timing?.[2],
  };
}

try {
  // The index loads in the background; until then PostgreSQL answers (Server-Timing says which).
  for (;;) {
    const r = await get(nextQuery());
    if (r.engine === engine) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  const readyS = (performance.now() - startedAt) / 1000;
  console.log(
    `${models.toLocaleString('en')} models, engine ${engine}: answering from it ${readyS.toFixed(1)} s after the API was ready`,
  );
  for (let i = 0; i < 300; i++) await get(nextQuery()); // warm-up (JIT, connections)
  const idle = { api: apiMb(api.pid), db: dbMb() };
  console.log(`memory at idle: API ${idle.api.toFixed(0)} MB resident, database ${f(idle.db)} MB (PSS)`);

  const seq = [];
  const raw = [];
  const idx = [];
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    const r = await get(nextQuery());
    seq.push(performance.now() - t);
    raw.push(r.engineMs);
    if (!Number.isNaN(r.indexMs)) idx.push(r.indexMs);
  }
  for (const a of [seq, raw, idx]) a.sort((x, y) => x - y);
  console.log(
    `sequential, 1000 distinct queries: API p50 ${f(pct(seq, 50))} ms, p99 ${f(pct(seq, 99))} ms; ` +
      `engine (raw) p50 ${f(pct(raw, 50))} ms, p99 ${f(pct(raw, 99))} ms; API/raw p50 ${(pct(seq, 50) / pct(raw, 50)).toFixed(2)}` +
      (idx.length ? `; of raw, the index p50 ${f(pct(idx, 50))} ms, p99 ${f(pct(idx, 99))} ms` : ''),
  );

  console.log('offered | served | p50 ms | p99 ms | errors | raw p50 | raw p99 | API/raw p50 | index p99');
  let loaded = null;
  for (const rate of rates) {
    const total = Math.round(rate * seconds);
    const paths = Array.from({ length: total }, nextQuery);
    const lat = [];
    const engineMs = [];
    const indexMs = [];
    let errors = 0;
    let peakApi = 0;
    let peakDb = 0;
    const sampler = setInterval(() => {
      peakApi = Math.max(peakApi, apiMb(api.pid));
      peakDb = Math.max(peakDb, dbMb());
    }, 1000);
    const t0 = performance.now();
    await Promise.all(
      paths.map(async (path, i) => {
        const due = t0 + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        try {
          const r = await get(path);
          if (!r.ok) errors++;
          else {
            lat.push(performance.now() - due);
            engineMs.push(r.engineMs);
            if (!Number.isNaN(r.indexMs)) indexMs.push(r.indexMs);
          }
        } catch {
          errors++;
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    lat.sort((a, b) => a - b);
    engineMs.sort((a, b) => a - b);
    indexMs.sort((a, b) => a - b);
    console.log(
      `${String(rate).padStart(4)}/s | ${(lat.length / elapsed).toFixed(1).padStart(6)}/s | ${f(pct(lat, 50)).padStart(6)} | ` +
        `${f(pct(lat, 99)).padStart(6)} | ${String(errors).padStart(6)} | ${f(pct(engineMs, 50)).padStart(7)} | ` +
        `${f(pct(engineMs, 99)).padStart(7)} | ${(pct(lat, 50) / pct(engineMs, 50)).toFixed(2).padStart(11)} | ${f(pct(indexMs, 99))}`,
    );
    if (rate === 200) loaded = { api: peakApi, db: peakDb };
  }
  if (loaded) {
    console.log(`memory at 200/s (peak): API ${loaded.api.toFixed(0)} MB resident, database ${f(loaded.db)} MB (PSS)`);
  }
} finally {
  await api.stop();
}
