export * from './lib/cost-tracking.module';
export { CostEstimateService } from './lib/services/cost-estimate.service';
export type { Estimate, EstimateInput } from './lib/services/cost-estimate.service';
export { ModelMatcherService } from './lib/services/model-matcher.service';
export { PriceCache } from './lib/services/price-cache.service';
export { UsageIngestService } from './lib/services/usage-ingest.service';
export { CostReportsService } from './lib/services/cost-reports.service';
export { BudgetsService, periodOf } from './lib/services/budgets.service';
