import { join } from 'node:path';

export const root = join(__dirname, '../../..');

/** The environment of a built CLI process (`mph …`) working on the e2e server's embedded database. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${process.env['E2E_PG_PORT'] ?? '54391'}/model_price_hub`,
    JOBS_ENABLED: 'false',
    NODE_ENV: 'production',
    JWT_SECRET: 'e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    ...extra,
  };
}
