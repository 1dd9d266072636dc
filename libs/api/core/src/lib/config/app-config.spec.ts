import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS, ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c.env).toBe('development');
    expect(c.http.port).toBe(3000);
    expect(c.http.host).toBe('0.0.0.0');
    expect(c.http.bodyLimitBytes).toBe(1024 * 1024);
    expect(c.http.corsOrigins).toEqual(['http://localhost:4200', 'http://localhost:3000']);
    expect(c.database.url).toBeUndefined();
    expect(c.database.migrationsRun).toBe(true);
    expect(c.database.embedded).toEqual({ dataDir: './.data/postgres', port: 54329 });
    expect(c.jobs).toEqual({ enabled: true, runRetentionDays: 30, housekeepingCron: '17 3 * * *' });
  });

  it('parses typed values', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      MIGRATIONS_RUN: 'false',
      BODY_LIMIT: '512kb',
      CORS_ORIGINS: 'https://a.example.com, https://b.example.com',
      JOBS_ENABLED: '0',
      LOG_LEVEL: 'debug',
    });
    expect(c.http.port).toBe(8080);
    expect(c.database.url).toBe('postgresql://u:p@db:5432/x');
    expect(c.database.migrationsRun).toBe(false);
    expect(c.http.bodyLimitBytes).toBe(512 * 1024);
    expect(c.http.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(c.jobs.enabled).toBe(false);
    expect(c.log.level).toBe('debug');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: expected an integer, got "eighty"'],
    [{ PORT: '70000' }, 'PORT: expected an integer between 1 and 65535, got 70000'],
    [{ MIGRATIONS_RUN: 'maybe' }, 'MIGRATIONS_RUN: expected true or false, got "maybe"'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL: expected a postgres: or postgresql: URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL: expected a URL such as postgres://'],
    [{ BODY_LIMIT: 'huge' }, 'BODY_LIMIT: expected a size such as 512kb or 1mb'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CORS_ORIGINS: 'example.com' }, 'CORS_ORIGINS: "example.com" is not an origin'],
    [{ HOUSEKEEPING_CRON: 'daily' }, 'HOUSEKEEPING_CRON: expected a cron expression'],
  ])('rejects %j with a message naming the setting', (env, expected) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(expected);
  });

  it('closes the API docs and /metrics in production unless asked for (explicitly, or metrics by a token)', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };
    const http = (env: Record<string, string>) => {
      const { swaggerEnabled, metricsEnabled } = loadConfig(env).http;
      return { swaggerEnabled, metricsEnabled };
    };
    expect(http(prod)).toEqual({ swaggerEnabled: false, metricsEnabled: false });
    expect(http({ ...prod, METRICS_TOKEN: 'scrape-token' })).toEqual({ swaggerEnabled: false, metricsEnabled: true });
    expect(http({ ...prod, SWAGGER_ENABLED: 'true', METRICS_ENABLED: 'yes' })).toEqual({
      swaggerEnabled: true,
      metricsEnabled: true,
    });
    expect(http({ ...prod, METRICS_ENABLED: 'false', METRICS_TOKEN: 't' })).toMatchObject({ metricsEnabled: false });
    expect(http({})).toEqual({ swaggerEnabled: true, metricsEnabled: true });
    expect(http({ SWAGGER_ENABLED: 'off' })).toMatchObject({ swaggerEnabled: false });
    expect(() => loadConfig({ METRICS_ENABLED: 'maybe' })).toThrow('METRICS_ENABLED: expected true or false');
  });

  it('requires a long JWT_SECRET in production and generates one elsewhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('JWT_SECRET: required in production');
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow('JWT_SECRET: must be at least 32 characters');
    const prod = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(prod.auth).toMatchObject({
      jwtSecret: 'x'.repeat(40),
      jwtSecretGenerated: false,
      accessTtlSeconds: 900,
      refreshTtlDays: 30,
      bcryptCost: 12,
    });
    const dev = loadConfig({});
    expect(dev.auth.jwtSecretGenerated).toBe(true);
    expect(dev.auth.jwtSecret.length).toBeGreaterThanOrEqual(48);
    expect(loadConfig({}).auth.jwtSecret).not.toBe(dev.auth.jwtSecret);
  });

  it.each([
    [{ ADMIN_PASSWORD: 'long-enough-password' }, 'ADMIN_EMAIL: required when ADMIN_PASSWORD'],
    [{ ADMIN_EMAIL: 'a@b.c', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD: must be at least 12 characters'],
    [{ ADMIN_EMAIL: 'a@b.c', ADMIN_PASSWORD_HASH: 'plain' }, 'ADMIN_PASSWORD_HASH: expected a bcrypt hash'],
    [
      { ADMIN_EMAIL: 'a@b.c', ADMIN_PASSWORD: 'long-enough-password', ADMIN_PASSWORD_HASH: '$2b$04$' + 'a'.repeat(53) },
      'set one or the other',
    ],
    [{ ADMIN_EMAIL: 'nobody' }, 'ADMIN_EMAIL: "nobody" is not an email address'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL: expected a redis: or rediss: URL'],
  ])('validates the first-admin and Redis settings: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    ['', false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
  ])('reads TRUST_PROXY=%j as %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it('reports every invalid setting at once and points to .env.example', () => {
    try {
      loadConfig({ PORT: 'x', DATABASE_POOL_MAX: '0' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(2);
      expect((error as ConfigError).message).toContain('.env.example');
    }
  });

  it('documents every setting in .env.example, and nothing else', () => {
    const example = readFileSync(join(__dirname, '../../../../../../.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual([...CONFIG_KEYS].sort());
  });
});
