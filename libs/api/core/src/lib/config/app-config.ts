import { configSchema, RawEnv } from './config.schema';

/** The validated, typed configuration every module receives (never `process.env`). */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    host: string;
    port: number;
    publicUrl?: string;
    corsOrigins: string[];
    bodyLimitBytes: number;
    swaggerEnabled: boolean;
    metricsEnabled: boolean;
    adminStaticDir: string;
    shutdownTimeoutMs: number;
  };
  database: {
    /** Unset means "start the embedded PostgreSQL"; set after it started. */
    url?: string;
    poolMax: number;
    ssl: boolean;
    statementTimeoutMs: number;
    migrationsRun: boolean;
    embedded: { dataDir: string; port: number };
  };
  log: { level: string; pretty: boolean };
  jobs: { enabled: boolean; runRetentionDays: number; housekeepingCron: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Fix these environment variables (see .env.example for every setting and its default).',
    );
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration. This is the only place that reads `process.env`;
 * tests pass their own object.
 */
export function loadConfig(env: RawEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (!/^(\S+\s+){4,5}\S+$/.test(c.HOUSEKEEPING_CRON)) {
    problems.push(`HOUSEKEEPING_CRON: expected a cron expression with 5 or 6 fields, got "${c.HOUSEKEEPING_CRON}"`);
  }
  const corsOrigins = c.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(`CORS_ORIGINS: "${origin}" is not an origin such as https://console.example.com`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    env: c.NODE_ENV,
    http: {
      host: c.HOST,
      port: c.PORT,
      publicUrl: c.PUBLIC_URL,
      corsOrigins,
      bodyLimitBytes: c.BODY_LIMIT,
      swaggerEnabled: c.SWAGGER_ENABLED,
      metricsEnabled: c.METRICS_ENABLED,
      adminStaticDir: c.ADMIN_STATIC_DIR,
      shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    },
    database: {
      url: c.DATABASE_URL,
      poolMax: c.DATABASE_POOL_MAX,
      ssl: c.DATABASE_SSL,
      statementTimeoutMs: c.DATABASE_STATEMENT_TIMEOUT_MS,
      migrationsRun: c.MIGRATIONS_RUN,
      embedded: { dataDir: c.EMBEDDED_PG_DATA_DIR, port: c.EMBEDDED_PG_PORT },
    },
    log: { level: c.LOG_LEVEL, pretty: c.LOG_PRETTY },
    jobs: {
      enabled: c.JOBS_ENABLED,
      runRetentionDays: c.JOB_RUN_RETENTION_DAYS,
      housekeepingCron: c.HOUSEKEEPING_CRON,
    },
  };
}

/** The names of every setting, for the `.env.example` consistency test. */
export const CONFIG_KEYS = Object.keys(configSchema.shape);
