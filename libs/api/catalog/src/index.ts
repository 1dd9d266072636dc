export * from './lib/catalog.module';
export { CATALOG_ENTITIES } from './lib/entities';
export { HfImportService } from './lib/import/hf-import.service';
export type { ImportCounts, ImportResult } from './lib/import/hf-import.service';
export { hfPageGetter, readHfFile, readHfUrl } from './lib/import/hf-source';
export type { HfPageGetter, HfPage } from './lib/import/hf-source';
export { DemoSeedService } from './lib/seed/demo-seed.service';
export { ModelsQueryService } from './lib/services/models-query.service';
export { CatalogStatsService, CATALOG_STATS_JOB } from './lib/services/catalog-stats.service';
export * from './lib/dto/prices.dto';
export { OfferingDto } from './lib/dto/models.dto';
export { OfferingRegistryService, offeringKey } from './lib/services/offering-registry.service';
export type {
  OfferingRef,
  EnsuredOfferings,
  IdentityPlan,
  ModelHint,
  OfferingIdentity,
  ResolvedOffering,
} from './lib/services/offering-registry.service';
export { canonicalOfferingId, hfRepoId, nameKey } from './lib/identity/model-names';
export { CAPABILITY_FIELDS, CAPABILITY_PRECEDENCE, aggregateCapabilities } from './lib/identity/capabilities';
export type { CapabilityFacts, CapabilityField, CapabilityStatement } from './lib/identity/capabilities';
export { ModelCapabilitiesService } from './lib/services/model-capabilities.service';
export type { CapabilityFactRow } from './lib/services/model-capabilities.service';
export { OfferingDirectoryService } from './lib/services/offering-directory.service';
export type {
  ModelInfo,
  OfferingInfo,
  OfferingFilter,
  CatalogMatch,
  CatalogMatchVia,
} from './lib/services/offering-directory.service';
export { CatalogReportService } from './lib/services/catalog-report.service';
export type { CatalogIdentityReport, CountBy } from './lib/services/catalog-report.service';
export { SearchIndexService } from './lib/search/search-index.service';
export type { SearchIndexStatus } from './lib/search/search-index.service';
