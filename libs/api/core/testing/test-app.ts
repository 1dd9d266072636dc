import { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppConfig, configureApp, CoreModule, CoreModuleOptions, loadConfig, RawEnv } from '../src';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestAppOptions {
  /** Settings on top of the test defaults (quiet logs, jobs not scheduled, no console). */
  env?: RawEnv;
  /** The root module; defaults to CoreModule alone. apps/api passes AppModule.forRoot. */
  root?: (options: CoreModuleOptions) => DynamicModule;
  imports?: Array<Type<unknown> | DynamicModule>;
  controllers?: Type<unknown>[];
  /** 'server' (default) also creates the first admin from ADMIN_* settings; jobs fire only with JOBS_ENABLED. */
  mode?: 'server' | 'cli';
  /** Reuse a database (e.g. two app instances on one database); a fresh one is created otherwise. */
  database?: TestDatabase;
}

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  db: TestDatabase;
  /** Closes the app; drops the database when this helper created it. */
  close(): Promise<void>;
}

export const TEST_ENV: RawEnv = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JOBS_ENABLED: 'false',
  ADMIN_STATIC_DIR: '/nonexistent-console',
  BCRYPT_COST: '4',
  ADMIN_EMAIL: 'admin@test.local',
  ADMIN_PASSWORD: 'admin-password-123',
  // Tests sign in far more often than people; the rate-limit tests set their own limits.
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
  RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
  RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '100000',
  // Catalog tests load what they need; the demo catalog has its own test.
  CATALOG_DEMO_SEED: 'false',
  // Sync tests register the sources they use; feeds are served from 127.0.0.1 by the tests themselves.
  SYNC_DEFAULT_SOURCES: 'false',
  SECRETS_KEY: '0000000000000000000000000000000000000000000000000000000000000001',
};

export function testConfig(env: RawEnv = {}, databaseUrl?: string): AppConfig {
  return loadConfig({ ...TEST_ENV, ...env, DATABASE_URL: databaseUrl ?? env['DATABASE_URL'] });
}

/** The real app stack (configureApp: prefix, pipes, filter, helmet, Swagger) on a fresh database, not listening. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = !options.database;
  const db = options.database ?? (await createTestDatabase());
  const config = testConfig(options.env, db.url);
  const root = options.root ?? ((o: CoreModuleOptions) => CoreModule.forRoot(o));
  const moduleRef = await Test.createTestingModule({
    imports: [
      root({ config, version: '0.0.0-test', embeddedDatabase: false, mode: options.mode ?? 'server' }),
      ...(options.imports ?? []),
    ],
    controllers: options.controllers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, bufferLogs: true });
  configureApp(app, config, '0.0.0-test');
  await app.init();
  return {
    app,
    config,
    db,
    close: async () => {
      await app.close();
      if (ownsDatabase) await db.drop();
    },
  };
}
