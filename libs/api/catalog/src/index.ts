export * from './lib/catalog.module';
export { CATALOG_ENTITIES } from './lib/entities';
export { HfImportService } from './lib/import/hf-import.service';
export type { ImportCounts, ImportResult } from './lib/import/hf-import.service';
export { readHfFile, readHfUrl } from './lib/import/hf-source';
export { DemoSeedService } from './lib/seed/demo-seed.service';
export { ModelsQueryService } from './lib/services/models-query.service';
export { CatalogStatsService, CATALOG_STATS_JOB } from './lib/services/catalog-stats.service';
