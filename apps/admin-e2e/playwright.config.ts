import { defineConfig } from '@playwright/test';
import { join } from 'node:path';

// run.mjs chooses free ports and a throwaway data directory, then passes them here.
const port = Number(process.env['E2E_PORT'] ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;
const root = join(__dirname, '../..');

export default defineConfig({
  testDir: './src',
  outputDir: join(root, 'dist/e2e/test-results'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // The production build, exactly as `npm start` runs it, on an embedded PostgreSQL of its own.
    command: 'node dist/apps/api/main.js',
    cwd: root,
    url: `${baseURL}/api/v1/health/ready`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      DATABASE_URL: '',
      EMBEDDED_PG_DATA_DIR: process.env['E2E_PG_DIR'] ?? join(root, 'dist/e2e/postgres'),
      EMBEDDED_PG_PORT: process.env['E2E_PG_PORT'] ?? '54391',
      LOG_LEVEL: 'warn',
      JOBS_ENABLED: 'false',
      JWT_SECRET: 'e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      ADMIN_EMAIL: 'admin@e2e.local',
      ADMIN_PASSWORD: 'e2e-admin-password',
      BCRYPT_COST: '4',
      // The suite signs in more often than the brute-force limit allows (the API tests cover that limit).
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      // Every test browses anonymously from 127.0.0.1: one visitor's per-IP budget would be shared by the whole suite.
      RATE_LIMIT_PUBLIC_PER_MINUTE: '3000',
      // The pricing suite serves a feed from 127.0.0.1 (the SSRF guard refuses loopback unless allow-listed).
      SYNC_ALLOWED_HOSTS: '127.0.0.1',
    },
  },
});
