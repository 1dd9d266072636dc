export * from './lib/pricing.module';
export * from './lib/entities';
export * from './lib/price-units';
export * from './lib/price-selection';
export * from './lib/decimal';
export { PriceReadService } from './lib/services/price-read.service';
export { PricingReadModel, engineError } from './lib/read-model/pricing-read-model';
export type {
  MatchReason,
  OfferingMatch,
  PriceConditions,
  PriceInForce,
  PriceSnapshot,
  Quote,
  UsageCost,
} from './lib/read-model/pricing-read-model';
export { PriceEditingService } from './lib/services/price-editing.service';
export { applyPlan, ensurePriced, planVersion } from './lib/services/price-writer';
export type { NewComponent, NewVersion, VersionPlan, ComponentChange } from './lib/services/price-writer';
export { DemoPricesSeedService } from './lib/seed/demo-prices-seed.service';
export { SyncService } from './lib/sync/sync.service';
export type { RunRequest, AdHocFeed } from './lib/sync/sync.service';
export { SyncSourcesService } from './lib/sync/sync-sources.service';
export { SyncSourceEntity, ADAPTERS } from './lib/sync/sync-source.entity';
export type { AdapterName } from './lib/sync/sync-source.entity';
export { SyncRunEntity } from './lib/sync/sync-run.entity';
export type { SyncCounts } from './lib/sync/sync-run.entity';
export { parseFeed } from './lib/sync/feed-parser';
export { planSync } from './lib/sync/sync-plan';
export { applySync } from './lib/sync/sync-apply';
export { webhookSignature, WEBHOOK_TOLERANCE_SECONDS } from './lib/sync/webhooks.controller';
export { ExportsService } from './lib/exports/exports.service';
export { providerSlug } from './lib/sync/adapters/feed-record';
export { parseGenaiPrices } from './lib/sync/adapters/genai-prices.adapter';
export { parseLitellm } from './lib/sync/adapters/litellm.adapter';
export type { FeedRecord } from './lib/sync/adapters/feed-record';
export { csvField } from './lib/exports/exports.service';
export { IdentityReportService } from './lib/sync/catalog-report.service';
export type { CatalogReportDto } from './lib/sync/catalog-report.dto';
