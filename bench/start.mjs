// npm run bench:start — start-up figures of the built app (run `npm run build` first):
//   cold start: a fresh embedded PostgreSQL data directory (initdb + migrations) until /health/ready answers 200
//   warm start: the same directory again (median of 3)
//   idle RSS of the API process (and of the embedded PostgreSQL processes) after start and a few requests
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_NODE_FLAGS } from './lib.mjs';

const main = 'dist/apps/api/main.js';
if (!existsSync(main)) {
  console.error(`${main} is missing: run "npm run build" first.`);
  process.exit(1);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function start(dataDir, pgPort) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...API_NODE_FLAGS, main], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      EMBEDDED_PG_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      // Production refuses to start without it; the bench measures a production start, so it brings its own.
      JWT_SECRET: process.env.JWT_SECRET || randomBytes(36).toString('base64'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // What the app says (a configuration error, say) is shown if it exits before it is ready.
  let stderr = '';
  const keep = (c) => (stderr = (stderr + c).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/health/ready`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`the app exited during start-up (code ${child.exitCode}):\n${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  return { child, port, seconds };
}

async function stop(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const dir = mkdtempSync(join(tmpdir(), 'mph-bench-'));
chmodSync(dir, 0o755);
const dataDir = join(dir, 'postgres');
const pgPort = await freePort();
try {
  const cold = await start(dataDir, pgPort);
  await stop(cold.child);
  const warm = [];
  let idle;
  for (let i = 0; i < 3; i++) {
    const w = await start(dataDir, pgPort);
    warm.push(w.seconds);
    if (i === 2) {
      for (let j = 0; j < 20; j++) await fetch(`http://127.0.0.1:${w.port}/api/v1/status`);
      await new Promise((r) => setTimeout(r, 2000));
      const pgPids = execFileSync('pgrep', ['-f', `postgres -D ${dataDir}`])
        .toString()
        .trim()
        .split('\n');
      const pgChildren = pgPids.flatMap((p) => {
        try {
          return execFileSync('pgrep', ['-P', p]).toString().trim().split('\n');
        } catch {
          return [];
        }
      });
      idle = { api: rssMb(w.child.pid), postgres: [...pgPids, ...pgChildren].reduce((s, p) => s + (rssMb(p) || 0), 0) };
    }
    await stop(w.child);
  }
  warm.sort((a, b) => a - b);
  console.log(`cold start (initdb + migrations, until ready): ${cold.seconds.toFixed(2)} s`);
  console.log(
    `warm start (median of 3, until ready):        ${warm[1].toFixed(2)} s  [${warm.map((s) => s.toFixed(2)).join(', ')}]`,
  );
  console.log(`idle RSS, API process:                        ${idle.api.toFixed(0)} MB`);
  console.log(`idle RSS, embedded PostgreSQL (all processes): ${idle.postgres.toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
