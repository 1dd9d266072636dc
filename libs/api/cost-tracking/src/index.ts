export * from './lib/cost-tracking.module';
export { CostEstimateService } from './lib/services/cost-estimate.service';
export type { Estimate, EstimateInput } from './lib/services/cost-estimate.service';
export { UsageIngestService } from './lib/services/usage-ingest.service';
export type { PricedEvent, IngestSummary, UsageEvent, IngestResult } from './lib/services/usage-ingest.service';
export { CostReportsService } from './lib/services/cost-reports.service';
export { BudgetsService, periodOf } from './lib/services/budgets.service';
export { BudgetReservations } from './lib/services/budget-reservations.service';
export { BudgetAlerts } from './lib/services/budget-alerts.service';
