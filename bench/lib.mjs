// Shared by the benchmarks: a throwaway database, a free port, the built API started on them, and a sign-in.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const MAIN = 'dist/apps/api/main.js';
/**
 * The node flags the API runs with (npm start and the Dockerfile pass the same): young-generation semi-spaces of 8 MB
 * instead of 16 keep ~12 MB less resident at idle, with no measurable cost to the gateway (README, Performance).
 */
export const API_NODE_FLAGS = ['--max-semi-space-size=8'];

export function requireBuild(file = MAIN) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: run "npm run build" first.`);
    process.exit(1);
  }
}

/**
 * Deterministic pseudo-random numbers in [0, 1) from `seed` (mulberry32: consecutive draws are independent, unlike a
 * plain LCG), so benchmark data and queries are the same on every run.
 */
export function seededRandom(seed) {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** A new database on BENCH_ADMIN_URL's server (default the local PostgreSQL); `drop()` removes it. */
export async function throwawayDatabase(prefix) {
  const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * The database of a suite that runs built APIs (the hardening suites): a throwaway database on DATABASE_URL's server
 * when it is set, otherwise an embedded PostgreSQL that the first API started with `firstEnv` creates (`url` is where
 * the others find it). `cleanup()` removes it.
 */
export async function suiteDatabase(prefix) {
  if (process.env.DATABASE_URL) {
    const admin = new URL(process.env.DATABASE_URL);
    admin.pathname = '/postgres';
    process.env.BENCH_ADMIN_URL = admin.toString();
    const db = await throwawayDatabase(prefix);
    return { kind: 'throwaway database', url: db.url, firstUrl: db.url, firstEnv: {}, cleanup: () => db.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  // The embedded server runs as an unprivileged user when we are root: it must be able to enter the directory.
  chmodSync(dir, 0o755);
  const port = String(await freePort());
  return {
    kind: 'embedded PostgreSQL',
    url: `postgres://postgres:postgres@127.0.0.1:${port}/model_price_hub`,
    firstUrl: '',
    firstEnv: { EMBEDDED_PG_DATA_DIR: join(dir, 'postgres'), EMBEDDED_PG_PORT: port },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The built API on `databaseUrl`, quiet and unthrottled, ready when this resolves; `stop()` ends it, `pid` is its
 * process (for memory readings). Fails when the
 * API exits during start or is not ready within BENCH_START_TIMEOUT_MS (default 180 s; the process is then killed).
 */
export async function startBuiltApi(databaseUrl, env = {}) {
  const port = await freePort();
  // BENCH_API_NODE_ARGS: extra node flags for the API process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...API_NODE_FLAGS, ...nodeArgs, MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      LOG_LEVEL: 'warn',
      JOBS_ENABLED: 'false',
      SYNC_DEFAULT_SOURCES: 'false',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000',
      RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '1000000',
      RATE_LIMIT_GATEWAY_PER_MINUTE: '1000000',
      // Production closes /metrics by default; the benches and the hardening suites read it.
      METRICS_ENABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  let exited = null;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.once('exit', (code, signal) => (exited = code ?? signal));
  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      await gone;
    }
  };
  const deadline = Date.now() + Number(process.env.BENCH_START_TIMEOUT_MS ?? 180_000);
  for (;;) {
    if (exited !== null) throw new Error(`The API exited (${exited}) before it was ready; see its messages above.`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error('The API was not ready within BENCH_START_TIMEOUT_MS; see its messages above.');
    }
    try {
      if ((await fetch(`${base}/api/v1/health/ready`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop, pid: child.pid };
}

export async function signIn(base, email, password) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in answered ${res.status}`);
  return (await res.json()).access_token;
}

export const percentile = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
