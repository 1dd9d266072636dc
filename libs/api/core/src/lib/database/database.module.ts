import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { dataSourceOptions } from './data-source-options';
import { runMigrations } from './migrate';
import { ReadDatabase } from './read-database';

/**
 * The TypeORM connection. The database URL is resolved before Nest starts (DATABASE_URL or the embedded
 * server), so this module only connects and, when configured, applies pending migrations.
 */
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            if (!config.database.url) {
              throw new Error('DatabaseModule needs config.database.url: open the database before creating the app.');
            }
            return { ...dataSourceOptions(config, config.database.url), autoLoadEntities: true, retryAttempts: 2 };
          },
          dataSourceFactory: async (options) => {
            if (!options) throw new Error('DatabaseModule: no data source options');
            return new DataSource(options).initialize();
          },
        }),
      ],
      providers: [
        ReadDatabase,
        {
          provide: 'DATABASE_MIGRATIONS_APPLIED',
          inject: [APP_CONFIG, DataSource],
          useFactory: async (config: AppConfig, dataSource: DataSource) => {
            if (!config.database.migrationsRun) return [];
            const applied = await runMigrations(dataSource);
            if (applied.length) {
              new Logger('Database').log(
                `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`,
              );
            }
            return applied.map((m) => m.name);
          },
        },
      ],
      exports: [TypeOrmModule, ReadDatabase, 'DATABASE_MIGRATIONS_APPLIED'],
    };
  }
}
