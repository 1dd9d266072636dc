import { Module } from '@nestjs/common';
import { CostsController } from './controllers/costs.controller';
import { CostEstimateService } from './services/cost-estimate.service';
import { ModelMatcherService } from './services/model-matcher.service';

/**
 * Cost tracking: the cost engine as a service (estimate, extract) and model matching. Usage events, reports, budgets
 * and re-pricing arrive with the rest of its issue. Reads prices through the (global) pricing module.
 */
@Module({
  controllers: [CostsController],
  providers: [ModelMatcherService, CostEstimateService],
  exports: [ModelMatcherService, CostEstimateService],
})
export class CostTrackingModule {}
