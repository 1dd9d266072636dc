import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AUTH_ENTITIES } from '@mph/api-auth';
import { CATALOG_ENTITIES } from '@mph/api-catalog';
import { PRICING_ENTITIES } from '@mph/api-pricing';
import { PROVENANCE_ENTITIES } from '@mph/api-provenance';
import { dataSourceOptions, JobRunEntity, loadConfig, openDatabase } from '@mph/api-core';

/**
 * The DataSource of the TypeORM CLI (`npm run migration:generate -- <path>`), built from the same configuration
 * and options as the app. Without DATABASE_URL it starts the embedded PostgreSQL, as `npm start` does.
 * Each domain lib adds its entities here when it gains tables.
 */
export default (async () => {
  const config = loadConfig();
  const database = await openDatabase(config.database.url, config.database.embedded);
  return new DataSource({
    ...dataSourceOptions(config, database.url),
    entities: [JobRunEntity, ...AUTH_ENTITIES, ...CATALOG_ENTITIES, ...PROVENANCE_ENTITIES, ...PRICING_ENTITIES],
  });
})();
