import { Module } from '@nestjs/common';
import { CostsController } from './controllers/costs.controller';
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
  controllers: [CostsController, UsageController],
  providers: [ModelMatcherService, CostEstimateService, UsageIngestService, CostReportsService],
  exports: [ModelMatcherService, CostEstimateService, UsageIngestService, CostReportsService],
})
export class CostTrackingModule {}
