// Runs the console's end-to-end suite: builds the app if needed, picks free ports and a throwaway embedded
// PostgreSQL directory, then runs Playwright in Debian's Chromium. Skips (exit 0, with a message) only when no
// Chromium is installed; CI installs it, so CI always runs the suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.log(
    `\nE2E SKIPPED: no Chromium at ${chromium}. Install it with "apt-get install -y chromium" (CI does) or set CHROMIUM_PATH.\n`,
  );
  process.exit(0);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

if (run('npx', ['nx', 'run-many', '-t', 'build', '-p', 'api', 'admin', '--output-style=static']) !== 0) process.exit(1);

const dir = mkdtempSync(join(tmpdir(), 'mph-e2e-'));
chmodSync(dir, 0o755);
const status = run(
  'npx',
  ['playwright', 'test', '-c', 'apps/admin-e2e/playwright.config.ts', ...process.argv.slice(2)],
  {
    E2E_PORT: String(await freePort()),
    E2E_PG_PORT: String(await freePort()),
    E2E_PG_DIR: join(dir, 'postgres'),
    CHROMIUM_PATH: chromium,
  },
);
rmSync(dir, { recursive: true, force: true });
if (status !== 0) console.log('Screenshots and traces of failed tests: dist/e2e/test-results');
process.exit(status);
