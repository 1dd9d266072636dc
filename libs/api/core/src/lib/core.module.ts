import { SecretBox } from './crypto/secret-box';
import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG, APP_MODE, APP_VERSION, AppMode, DATABASE_EMBEDDED } from './config/config.tokens';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LoggingModule } from './logging/logging.module';
import { FastRoutes } from './http/fast-routes';
import { ResponseCache } from './http/response-cache';
import { DataChanges } from './database/data-changes';
import { MetricsModule } from './metrics/metrics.module';

export interface CoreModuleOptions {
  config: AppConfig;
  version: string;
  /** True when the database is the embedded server this process started. */
  embeddedDatabase: boolean;
  /** 'server' schedules cron jobs (when JOBS_ENABLED) and creates the first admin; 'cli' does neither. */
  mode: AppMode;
}

/** Configuration, database, logging, metrics, health and the job runner: what every domain module builds on. */
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        LoggingModule.forRoot(options.config),
        DatabaseModule.forRoot(),
        MetricsModule.forRoot({ endpoint: options.config.http.metricsEnabled }),
        HealthModule,
        JobsModule.forRoot({ schedule: options.mode === 'server' }),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: APP_VERSION, useValue: options.version },
        { provide: DATABASE_EMBEDDED, useValue: options.embeddedDatabase },
        { provide: APP_MODE, useValue: options.mode },
        DataChanges,
        ResponseCache,
        FastRoutes,
        { provide: SecretBox, useFactory: () => new SecretBox(options.config.secrets.key) },
      ],
      exports: [
        APP_CONFIG,
        APP_VERSION,
        DATABASE_EMBEDDED,
        APP_MODE,
        DataChanges,
        ResponseCache,
        FastRoutes,
        SecretBox,
        DatabaseModule,
        JobsModule,
      ],
    };
  }
}
