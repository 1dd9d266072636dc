import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, configureApp, DatabaseHandle, openDatabase } from '@mph/api-core';
import { AppModule } from './app.module';
import { APP_VERSION_STRING } from './version';

export interface RunningServer {
  app: NestExpressApplication;
  url: string;
  database: DatabaseHandle;
  /** Stops accepting requests, lets in-flight ones finish, closes the pool, stops the embedded database. */
  close(): Promise<void>;
}

/** Opens the database (DATABASE_URL or embedded), builds the app and listens. */
export async function startServer(
  config: AppConfig,
  log: (line: string) => void = () => undefined,
): Promise<RunningServer> {
  const database = await openDatabase(config.database.url, { ...config.database.embedded, log });
  try {
    const resolved: AppConfig = { ...config, database: { ...config.database, url: database.url } };
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({
        config: resolved,
        version: APP_VERSION_STRING,
        embeddedDatabase: database.embedded,
        mode: 'server',
      }),
      // abortOnError: false so a failing start rejects with its cause (the CLI prints it) instead of exiting.
      { bodyParser: false, bufferLogs: true, abortOnError: false },
    );
    configureApp(app, resolved, APP_VERSION_STRING);
    await app.listen(config.http.port, config.http.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const url = config.http.publicUrl ?? `http://localhost:${port}`;
    let closing: Promise<void> | undefined;
    return {
      app,
      url,
      database,
      close: () =>
        (closing ??= (async () => {
          try {
            await app.close();
          } finally {
            await database.stop();
          }
        })()),
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
