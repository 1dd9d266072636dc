// Shared by the benchmarks: a throwaway database, a free port, the built API started on them, and a sign-in.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';

export const MAIN = 'dist/apps/api/main.js';

export function requireBuild(file = MAIN) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: run "npm run build" first.`);
    process.exit(1);
  }
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

/** The built API on `databaseUrl`, quiet and unthrottled, ready when this resolves; `stop()` ends it. */
export async function startBuiltApi(databaseUrl, env = {}) {
  const port = await freePort();
  // BENCH_API_NODE_ARGS: extra node flags for the API process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
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
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  let exited = null;
  child.once('exit', (code, signal) => (exited = code ?? signal));
  for (;;) {
    if (exited !== null) throw new Error(`The API exited (${exited}) before it was ready; see its messages above.`);
    try {
      if ((await fetch(`${base}/api/v1/health/ready`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
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
