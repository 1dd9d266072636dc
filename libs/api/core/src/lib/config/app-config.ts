import { randomBytes } from 'node:crypto';
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
    /** When set, `/metrics` answers only `Authorization: Bearer <metricsToken>`. */
    metricsToken?: string;
    adminStaticDir: string;
    shutdownTimeoutMs: number;
    /** Express "trust proxy": false, a hop count, or addresses/subnets of trusted proxies. */
    trustProxy: boolean | number | string;
    /** Server-side cache of public GET answers (seconds; 0 = off), bounded to `responseCacheMaxEntries`. */
    responseCacheSeconds: number;
    responseCacheMaxEntries: number;
  };
  database: {
    /** Unset means "start the embedded PostgreSQL"; set after it started. */
    url?: string;
    /** A read replica for the heaviest public reads (catalog search, price list, changes feed); unset = `url`. */
    readUrl?: string;
    /** How far the replica may lag: public answers are not cached for this long after a change. */
    readMaxLagMs: number;
    poolMax: number;
    ssl: boolean;
    statementTimeoutMs: number;
    migrationsRun: boolean;
    embedded: { dataDir: string; port: number };
  };
  log: { level: string; pretty: boolean };
  jobs: { enabled: boolean; runRetentionDays: number; housekeepingCron: string };
  redis: { url?: string };
  auth: {
    /** HS256 secret; generated per process when unset outside production (tokens then die with the process). */
    jwtSecret: string;
    jwtSecretGenerated: boolean;
    accessTtlSeconds: number;
    refreshTtlDays: number;
    bcryptCost: number;
    admin: { email?: string; password?: string; passwordHash?: string };
  };
  rateLimit: { publicPerMinute: number; authenticatedPerMinute: number; loginPerMinute: number };
  /** Load the built-in demo catalog into an empty database at start. */
  catalog: {
    demoSeed: boolean;
    statsCron: string;
    /** `memory`: text searches answered by each instance's in-process index (docs/search.md); `postgres`: by SQL. */
    searchEngine: 'memory' | 'postgres';
  };
  sync: {
    /** Register the five public feeds as sources on a new install. */
    defaultSources: boolean;
    /** Hosts a source may reach even when they resolve to private or loopback addresses (local mirrors, tests). */
    allowedHosts: string[];
    timeoutMs: number;
    maxBytes: number;
    retries: number;
    /** Directory `file://` sources may read from (a mounted feed mirror); empty = file sources are refused. */
    fileDir: string;
    /**
     * Sanity guards: a new or changed price more than `guardFactor`× (either way) from the median of its model's other
     * offerings (with at least `guardMinPeers` of them), or from another feed's report of the same offering, is held.
     */
    guardFactor: number;
    guardMinPeers: number;
  };
  gateway: {
    /**
     * Hosts (or host:port) provider connections may reach although they resolve to private/loopback addresses (vLLM,
     * Ollama); only connections of admins (and shared ones) may use them.
     */
    allowedHosts: string[];
    /** Whose connections may use allowedHosts: admins' (and shared ones, the default), or everyone's. */
    allowedHostsFor: 'admins' | 'everyone';
    /** Gateway calls per minute per API key or user (its own default: gateway traffic is many small calls). */
    perMinute: number;
    /** Largest `max_tokens` a call may ask for; also the output reserved against hard budgets when none is given. */
    maxTokens: number;
    /** Largest chat request body (messages with file context included). */
    maxBodyBytes: number;
  };
  /** Outgoing webhooks (budget alerts): hosts (or host:port) they may reach although private; admins' budgets only. */
  webhooks: { allowedHosts: string[] };
  /** AES-256-GCM key for secrets stored in the database (feed auth headers, webhook secrets); unset = none. */
  secrets: { key?: Buffer };
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
  for (const [key, value] of [
    ['HOUSEKEEPING_CRON', c.HOUSEKEEPING_CRON],
    ['CATALOG_STATS_CRON', c.CATALOG_STATS_CRON],
  ]) {
    if (!/^(\S+\s+){4,5}\S+$/.test(value))
      problems.push(`${key}: expected a cron expression with 5 or 6 fields, got "${value}"`);
  }
  const corsOrigins = c.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(`CORS_ORIGINS: "${origin}" is not an origin such as https://console.example.com`);
    }
  }
  if (c.NODE_ENV === 'production' && !c.JWT_SECRET) {
    problems.push('JWT_SECRET: required in production (at least 32 characters, the same on every instance)');
  }
  if (c.ADMIN_PASSWORD && c.ADMIN_PASSWORD_HASH) {
    problems.push('ADMIN_PASSWORD and ADMIN_PASSWORD_HASH: set one or the other, not both');
  }
  if ((c.ADMIN_PASSWORD || c.ADMIN_PASSWORD_HASH) && !c.ADMIN_EMAIL) {
    problems.push('ADMIN_EMAIL: required when ADMIN_PASSWORD or ADMIN_PASSWORD_HASH is set');
  }
  if (c.ADMIN_EMAIL && !/^[^@\s]+@[^@\s]+$/.test(c.ADMIN_EMAIL))
    problems.push(`ADMIN_EMAIL: "${c.ADMIN_EMAIL}" is not an email address`);
  if (c.ADMIN_PASSWORD && c.ADMIN_PASSWORD.length < 12) problems.push('ADMIN_PASSWORD: must be at least 12 characters');
  if (c.ADMIN_PASSWORD_HASH && !/^\$2[aby]\$\d{2}\$.{53}$/.test(c.ADMIN_PASSWORD_HASH)) {
    problems.push('ADMIN_PASSWORD_HASH: expected a bcrypt hash such as $2b$12$...');
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
      // In production the API docs and the metrics are closed unless asked for (metrics also by setting a token).
      swaggerEnabled: c.SWAGGER_ENABLED ?? c.NODE_ENV !== 'production',
      metricsEnabled: c.METRICS_ENABLED ?? (c.NODE_ENV !== 'production' || c.METRICS_TOKEN !== ''),
      metricsToken: c.METRICS_TOKEN || undefined,
      adminStaticDir: c.ADMIN_STATIC_DIR,
      shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
      trustProxy: parseTrustProxy(c.TRUST_PROXY),
      responseCacheSeconds: c.RESPONSE_CACHE_SECONDS,
      responseCacheMaxEntries: c.RESPONSE_CACHE_MAX_ENTRIES,
    },
    database: {
      url: c.DATABASE_URL,
      readUrl: c.DATABASE_READ_URL,
      readMaxLagMs: c.DATABASE_READ_MAX_LAG_MS,
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
    redis: { url: c.REDIS_URL },
    auth: {
      jwtSecret: c.JWT_SECRET ?? randomBytes(48).toString('base64'),
      jwtSecretGenerated: !c.JWT_SECRET,
      accessTtlSeconds: c.JWT_ACCESS_TTL_SECONDS,
      refreshTtlDays: c.REFRESH_TOKEN_TTL_DAYS,
      bcryptCost: c.BCRYPT_COST,
      admin: {
        email: c.ADMIN_EMAIL || undefined,
        password: c.ADMIN_PASSWORD || undefined,
        passwordHash: c.ADMIN_PASSWORD_HASH || undefined,
      },
    },
    rateLimit: {
      publicPerMinute: c.RATE_LIMIT_PUBLIC_PER_MINUTE,
      authenticatedPerMinute: c.RATE_LIMIT_AUTHENTICATED_PER_MINUTE,
      loginPerMinute: c.RATE_LIMIT_LOGIN_PER_MINUTE,
    },
    catalog: { demoSeed: c.CATALOG_DEMO_SEED, statsCron: c.CATALOG_STATS_CRON, searchEngine: c.SEARCH_ENGINE },
    sync: {
      defaultSources: c.SYNC_DEFAULT_SOURCES,
      allowedHosts: c.SYNC_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      timeoutMs: c.SYNC_TIMEOUT_MS,
      maxBytes: c.SYNC_MAX_BYTES,
      retries: c.SYNC_RETRIES,
      fileDir: c.SYNC_FILE_DIR,
      guardFactor: c.SYNC_GUARD_FACTOR,
      guardMinPeers: c.SYNC_GUARD_MIN_PEERS,
    },
    gateway: {
      allowedHosts: c.PROVIDER_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      allowedHostsFor: c.PROVIDER_ALLOWED_HOSTS_FOR,
      perMinute: c.RATE_LIMIT_GATEWAY_PER_MINUTE,
      maxTokens: c.GATEWAY_MAX_TOKENS,
      maxBodyBytes: c.GATEWAY_MAX_BODY_BYTES,
    },
    webhooks: {
      allowedHosts: c.WEBHOOK_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    },
    secrets: { key: c.SECRETS_KEY },
  };
}

/** "" / false → off; true → trust every proxy; a number → that many hops; anything else → addresses/subnets. */
function parseTrustProxy(value: string): boolean | number | string {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return value.trim();
}

/** The names of every setting, for the `.env.example` consistency test. */
export const CONFIG_KEYS = Object.keys(configSchema.shape);
