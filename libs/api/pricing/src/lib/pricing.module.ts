import { Global, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule, StreamTicketsModule } from '@mph/api-auth';
import { CatalogModule, DemoSeedService, MODEL_PRICE_SQL, MODEL_PRICES } from '@mph/api-catalog';
import { APP_CONFIG, APP_MODE, AppConfig, AppMode } from '@mph/api-core';
import { PriceEditingController } from './controllers/price-editing.controller';
import { ExportsController } from './exports/exports.controller';
import { ExportsService } from './exports/exports.service';
import { PricesController } from './controllers/prices.controller';
import { PRICING_ENTITIES } from './entities';
import { SyncController, SyncStreamController } from './sync/sync.controller';
import { WebhooksController } from './sync/webhooks.controller';
import { HeldPricesService } from './sync/held-prices.service';
import { CatalogReportController } from './sync/catalog-report.controller';
import { IdentityReportService } from './sync/catalog-report.service';
import { ReconciliationService } from './sync/reconciliation.service';
import { LiveEventsController } from './live/live-events.controller';
import { SyncService } from './sync/sync.service';
import { SyncSourcesService } from './sync/sync-sources.service';
import { PriceEditingService } from './services/price-editing.service';
import { MODEL_PRICE_SQL_IMPL, PriceReadService } from './services/price-read.service';
import { PricingReadModel } from './read-model/pricing-read-model';
import { DemoPricesSeedService } from './seed/demo-prices-seed.service';

/**
 * Price versions, components and locks; operators' editing; public reads. Global so that the catalog's model
 * routes find MODEL_PRICES without importing pricing (pricing depends on the catalog, not the other way round).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(PRICING_ENTITIES), CatalogModule, AuditModule, StreamTicketsModule],
  controllers: [
    PricesController,
    PriceEditingController,
    SyncController,
    SyncStreamController,
    WebhooksController,
    ExportsController,
    CatalogReportController,
    LiveEventsController,
  ],
  providers: [
    PricingReadModel,
    PriceReadService,
    PriceEditingService,
    DemoPricesSeedService,
    SyncService,
    SyncSourcesService,
    ExportsService,
    ReconciliationService,
    HeldPricesService,
    IdentityReportService,
    { provide: MODEL_PRICES, useExisting: PriceReadService },
    { provide: MODEL_PRICE_SQL, useValue: MODEL_PRICE_SQL_IMPL },
  ],
  exports: [
    PricingReadModel,
    PriceReadService,
    PriceEditingService,
    DemoPricesSeedService,
    SyncService,
    SyncSourcesService,
    ExportsService,
    IdentityReportService,
    MODEL_PRICES,
    MODEL_PRICE_SQL,
  ],
})
export class PricingModule implements OnApplicationBootstrap {
  constructor(
    private readonly catalogSeed: DemoSeedService,
    private readonly pricesSeed: DemoPricesSeedService,
    @Inject(APP_MODE) private readonly mode: AppMode,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.mode !== 'server' || !this.config.catalog.demoSeed) return;
    // The catalog seeds itself too; calling it first (a no-op when done) makes the order of the two hooks irrelevant.
    await this.catalogSeed.seedIfEmpty();
    await this.pricesSeed.seedIfEmpty();
  }
}
