import { mkdtempSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startEmbeddedPostgres, DatabaseHandle } from '../src';
import { TEST_SERVER_URL_VAR } from './test-database';

export interface EmbeddedTestServer {
  handle: DatabaseHandle;
  dir: string;
}

const KEY = '__MPH_TEST_PG__';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Jest global setup for API tests: uses DATABASE_URL when set (CI points it at the machine's PostgreSQL),
 * otherwise starts one embedded PostgreSQL for the whole run. Each test file then creates its own database.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[TEST_SERVER_URL_VAR]) return; // another project of this jest run started it already
  const configured = loadConfig().database.url;
  if (configured) {
    process.env[TEST_SERVER_URL_VAR] = configured;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mph-test-pg-'));
  chmodSync(dir, 0o755);
  const handle = await startEmbeddedPostgres({
    dataDir: join(dir, 'data'),
    port: await freePort(),
    database: 'postgres',
    extraFlags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
  });
  (globalThis as Record<string, unknown>)[KEY] = { handle, dir } satisfies EmbeddedTestServer;
  process.env[TEST_SERVER_URL_VAR] = handle.url;
}

export async function stopEmbeddedTestServer(): Promise<void> {
  const server = (globalThis as Record<string, unknown>)[KEY] as EmbeddedTestServer | undefined;
  if (!server) return;
  delete (globalThis as Record<string, unknown>)[KEY];
  await server.handle.stop();
  const { rmSync } = await import('node:fs');
  rmSync(server.dir, { recursive: true, force: true });
}
