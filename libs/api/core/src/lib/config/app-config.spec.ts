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
