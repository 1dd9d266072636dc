import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, openDatabase } from '@mph/api-core';
import { AppModule } from '../app/app.module';
import { APP_VERSION_STRING } from '../app/version';

/**
 * Runs `work` inside a Nest application context (no HTTP server) built from the same modules and configuration
 * as the API, then closes it and stops the embedded database if one was started.
 */
export async function withAppContext<T>(
  config: AppConfig,
  work: (ctx: INestApplicationContext) => Promise<T>,
  options: {
    migrationsRun?: boolean;
    log?: (line: string) => void;
    /** Nothing on stdout but what `work` writes (logs off, Nest's errors to stderr): for the stdio MCP server. */
    quiet?: boolean;
  } = {},
): Promise<T> {
  const database = await openDatabase(config.database.url, { ...config.database.embedded, log: options.log });
  let ctx: INestApplicationContext | undefined;
  try {
    const resolved: AppConfig = {
      ...config,
      database: {
        ...config.database,
        url: database.url,
        migrationsRun: options.migrationsRun ?? config.database.migrationsRun,
      },
      log: { ...config.log, level: options.quiet ? 'silent' : config.log.level === 'info' ? 'warn' : config.log.level },
    };
    ctx = await NestFactory.createApplicationContext(
      AppModule.forRoot({
        config: resolved,
        version: APP_VERSION_STRING,
        embeddedDatabase: database.embedded,
        mode: 'cli',
      }),
      { logger: options.quiet ? ['error'] : ['error', 'warn'], abortOnError: false },
    );
    return await work(ctx);
  } finally {
    await ctx?.close();
    await database.stop();
  }
}
