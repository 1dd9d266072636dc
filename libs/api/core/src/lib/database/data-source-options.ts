import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { ALL_MIGRATIONS } from '../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * Options shared by the Nest app, the CLI and the TypeORM CLI (`ormconfig.ts`).
 * `synchronize` is off everywhere: the schema changes only through migrations.
 */
export function dataSourceOptions(config: AppConfig, url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    ssl: config.database.ssl ? { rejectUnauthorized: false } : false,
    synchronize: false,
    migrationsRun: false,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: 'model-price-hub',
    poolSize: config.database.poolMax,
    extra: {
      max: config.database.poolMax,
      connectionTimeoutMillis: 3000,
      statement_timeout: config.database.statementTimeoutMs || undefined,
      // JIT compiles plans costed as large (recursive lineage queries, searches) and spends 20-30 ms doing it, more
      // than these short queries take: off for the app's connections.
      options: '-c jit=off',
    },
  };
}
