import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, APP_MODE, AppConfig, AppMode } from '@mph/api-core';
import { AuditModule } from '@mph/api-auth';
import { ProvenanceModule } from '@mph/api-provenance';
import { CatalogEditingController } from './controllers/catalog-editing.controller';
import { ModelsController } from './controllers/models.controller';
import { StatsController } from './controllers/stats.controller';
import { VendorsController } from './controllers/vendors.controller';
import { CATALOG_ENTITIES } from './entities';
import { HfImportService } from './import/hf-import.service';
import { DemoSeedService } from './seed/demo-seed.service';
import { CatalogEditingService } from './services/catalog-editing.service';
import { CatalogReportService } from './services/catalog-report.service';
import { CatalogStatsService } from './services/catalog-stats.service';
import { IdentityEditingService } from './services/identity-editing.service';
import { ModelCapabilitiesService } from './services/model-capabilities.service';
import { ModelsQueryService } from './services/models-query.service';
import { OfferingRegistryService } from './services/offering-registry.service';
import { OfferingDirectoryService } from './services/offering-directory.service';
import { SearchIndexService } from './search/search-index.service';

/** Vendors, models and offerings: the public catalog, the Hugging Face importer and the demo seed. */
@Module({
  imports: [TypeOrmModule.forFeature(CATALOG_ENTITIES), ProvenanceModule, AuditModule],
  controllers: [ModelsController, VendorsController, StatsController, CatalogEditingController],
  providers: [
    ModelsQueryService,
    HfImportService,
    DemoSeedService,
    CatalogStatsService,
    CatalogEditingService,
    IdentityEditingService,
    OfferingRegistryService,
    OfferingDirectoryService,
    ModelCapabilitiesService,
    CatalogReportService,
    SearchIndexService,
  ],
  exports: [
    ModelsQueryService,
    HfImportService,
    DemoSeedService,
    CatalogStatsService,
    OfferingRegistryService,
    OfferingDirectoryService,
    ModelCapabilitiesService,
    CatalogReportService,
    SearchIndexService,
  ],
})
export class CatalogModule implements OnApplicationBootstrap {
  constructor(
    private readonly seed: DemoSeedService,
    @Inject(APP_MODE) private readonly mode: AppMode,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.mode === 'server' && this.config.catalog.demoSeed) await this.seed.seedIfEmpty();
  }
}
