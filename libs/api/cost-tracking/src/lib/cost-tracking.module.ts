import { Module } from '@nestjs/common';
import { AuditModule } from '@mph/api-auth';
import { BudgetsController } from './controllers/budgets.controller';
import { CostsController } from './controllers/costs.controller';
import { RepricingController } from './controllers/repricing.controller';
import { RepricingService } from './services/repricing.service';
import { BudgetsService } from './services/budgets.service';
import { UsageController } from './controllers/usage.controller';
import { CostReportsService } from './services/cost-reports.service';
import { UsageIngestService } from './services/usage-ingest.service';
import { CostEstimateService } from './services/cost-estimate.service';
import { ModelMatcherService } from './services/model-matcher.service';

/**
 * Cost tracking: the cost engine as a service (estimate, extract), model matching, usage ingest (exactly once, cost
 * frozen) and reports from the daily rollup. Budgets and re-pricing arrive with the rest of its issue. Reads prices through the (global) pricing module.
 */
@Module({
  imports: [AuditModule],
  controllers: [CostsController, UsageController, BudgetsController, RepricingController],
  providers: [
    ModelMatcherService,
    CostEstimateService,
    UsageIngestService,
    CostReportsService,
    BudgetsService,
    RepricingService,
  ],
  exports: [
    ModelMatcherService,
    CostEstimateService,
    UsageIngestService,
    CostReportsService,
    BudgetsService,
    RepricingService,
  ],
})
export class CostTrackingModule {}
