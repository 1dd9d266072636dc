import { NestFactory } from '@nestjs/core';
import { API_PREFIX, AppConfig, buildOpenApiDocument } from '@mph/api-core';
import { AppModule } from '../app/app.module';
import { APP_VERSION_STRING } from '../app/version';

/** Builds the document from the app's metadata in Nest's preview mode: no providers run, no database is opened. */
export async function writeOpenApiDocument(config: AppConfig): Promise<string> {
  const resolved: AppConfig = { ...config, database: { ...config.database, url: 'postgres://preview/preview' } };
  const app = await NestFactory.create(
    AppModule.forRoot({ config: resolved, version: APP_VERSION_STRING, embeddedDatabase: false, mode: 'cli' }),
    { preview: true, logger: false, abortOnError: false },
  );
  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
  const document = buildOpenApiDocument(app, APP_VERSION_STRING);
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
}
