import { z } from 'zod';

/** Parses "true"/"false"/"1"/"0"/"yes"/"no"; anything else is rejected with a clear message. */
const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const v = value.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got "${value}"` });
      return z.NEVER;
    });

/** A boolean that may be left unset (undefined): its default depends on other settings. */
const optionalBool = () =>
  z
    .string()
    .optional()
    .transform((value, ctx): boolean | undefined => {
      if (value === undefined || value.trim() === '') return undefined;
      const v = value.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got "${value}"` });
      return z.NEVER;
    });

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      if (!/^-?\d+$/.test(value.trim())) {
        ctx.addIssue({ code: 'custom', message: `expected an integer, got "${value}"` });
        return z.NEVER;
      }
      const n = Number(value);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected an integer between ${min} and ${max}, got ${n}` });
        return z.NEVER;
      }
      return n;
    });

const str = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? fallback : value.trim()));

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      try {
        const url = new URL(value.trim());
        if (!protocols.includes(url.protocol)) {
          ctx.addIssue({ code: 'custom', message: `expected a ${protocols.join(' or ')} URL, got "${url.protocol}"` });
          return z.NEVER;
        }
        return value.trim();
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a URL such as postgres://user:pass@host:5432/db' });
        return z.NEVER;
      }
    });

const BYTE_SIZE = /^(\d+)(b|kb|mb)?$/i;

/**
 * Every setting the API understands, with its default. `.env.example` documents the same list;
 * a test keeps the two in step.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  HOST: str('0.0.0.0'),
  PORT: int(3000, 1, 65535),
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  DATABASE_READ_URL: optionalUrl(['postgres:', 'postgresql:']),
  DATABASE_READ_MAX_LAG_MS: int(1000, 0, 600_000),
  DATABASE_POOL_MAX: int(10, 1, 500),
  DATABASE_SSL: bool(false),
  DATABASE_STATEMENT_TIMEOUT_MS: int(30000, 0, 3_600_000),
  MIGRATIONS_RUN: bool(true),
  EMBEDDED_PG_DATA_DIR: str('./.data/postgres'),
  EMBEDDED_PG_PORT: int(54329, 1, 65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  LOG_PRETTY: bool(false),
  CORS_ORIGINS: str('http://localhost:4200,http://localhost:3000'),
  BODY_LIMIT: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = value === undefined || value.trim() === '' ? '1mb' : value.trim();
      const m = BYTE_SIZE.exec(v);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `expected a size such as 512kb or 1mb, got "${value}"` });
        return z.NEVER;
      }
      const unit = (m[2] ?? 'b').toLowerCase();
      return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
    }),
  // Unset: open in development and test, closed in production (where an explicit true, or METRICS_TOKEN, opens them).
  SWAGGER_ENABLED: optionalBool(),
  METRICS_ENABLED: optionalBool(),
  METRICS_TOKEN: str(''),
  ADMIN_STATIC_DIR: str('dist/apps/admin/browser'),
  JOBS_ENABLED: bool(true),
  JOB_RUN_RETENTION_DAYS: int(30, 1, 3650),
  HOUSEKEEPING_CRON: str('17 3 * * *'),
  SHUTDOWN_TIMEOUT_MS: int(10000, 100, 600_000),
  TRUST_PROXY: str(''),
  RESPONSE_CACHE_SECONDS: int(30, 0, 3600),
  RESPONSE_CACHE_MAX_ENTRIES: int(5000, 1, 1_000_000),
  REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  JWT_SECRET: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      if (value.length < 32) {
        ctx.addIssue({ code: 'custom', message: 'must be at least 32 characters (e.g. openssl rand -base64 48)' });
        return z.NEVER;
      }
      return value;
    }),
  JWT_ACCESS_TTL_SECONDS: int(900, 30, 86_400),
  REFRESH_TOKEN_TTL_DAYS: int(30, 1, 365),
  BCRYPT_COST: int(12, 4, 15),
  ADMIN_EMAIL: str(''),
  ADMIN_PASSWORD: str(''),
  ADMIN_PASSWORD_HASH: str(''),
  RATE_LIMIT_PUBLIC_PER_MINUTE: int(120, 1, 1_000_000),
  RATE_LIMIT_AUTHENTICATED_PER_MINUTE: int(600, 1, 1_000_000),
  RATE_LIMIT_LOGIN_PER_MINUTE: int(5, 1, 1000),
  CATALOG_DEMO_SEED: bool(true),
  CATALOG_STATS_CRON: str('30 2 * * *'),
  SEARCH_ENGINE: z.enum(['memory', 'postgres']).optional().default('memory'),
  SYNC_DEFAULT_SOURCES: bool(true),
  SYNC_ALLOWED_HOSTS: str(''),
  SYNC_TIMEOUT_MS: int(60000, 100, 600_000),
  SYNC_MAX_BYTES: int(100 * 1024 * 1024, 1024, 2 * 1024 * 1024 * 1024),
  SYNC_RETRIES: int(2, 0, 10),
  SYNC_FILE_DIR: str(''),
  SYNC_GUARD_FACTOR: int(20, 2, 1_000_000),
  SYNC_GUARD_MIN_PEERS: int(2, 1, 100),
  PROVIDER_ALLOWED_HOSTS: str(''),
  PROVIDER_ALLOWED_HOSTS_FOR: z.enum(['admins', 'everyone']).optional().default('admins'),
  WEBHOOK_ALLOWED_HOSTS: str(''),
  RATE_LIMIT_GATEWAY_PER_MINUTE: int(60000, 1, 10_000_000),
  GATEWAY_MAX_TOKENS: int(32768, 1, 1_000_000),
  GATEWAY_MAX_BODY_BYTES: int(4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
  SECRETS_KEY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
      if (key.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)',
        });
        return z.NEVER;
      }
      return key;
    }),
});

export type RawEnv = Record<string, string | undefined>;
