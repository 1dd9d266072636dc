import { Module } from '@nestjs/common';
import { AuditModule, ProjectAccessModule } from '@mph/api-auth';
import { BudgetsController } from './controllers/budgets.controller';
import { CostsController } from './controllers/costs.controller';
import { RepricingController } from './controllers/repricing.controller';
import { RepricingService } from './services/repricing.service';
import { FxRatesController } from './controllers/fx-rates.controller';
import { FxRatesService } from './services/fx-rates.service';
import { BudgetsService } from './services/budgets.service';
import { BudgetLedger } from './services/budget-ledger.service';
import { BudgetReservations } from './services/budget-reservations.service';
import { BudgetAlerts } from './services/budget-alerts.service';
import { UsageController } from './controllers/usage.controller';
import { CostReportsService } from './services/cost-reports.service';
import { UsageIngestService } from './services/usage-ingest.service';
import { CostEstimateService } from './services/cost-estimate.service';

/**
 * Cost tracking: the estimate and extract routes, usage ingest (exactly once, cost frozen), reports from the daily
 * rollup, budgets and re-pricing. Every money question (which offering, which price, what cost) goes to the pricing
 * read model of the (global) pricing module.
 */
@Module({
  imports: [AuditModule, ProjectAccessModule],
  controllers: [CostsController, UsageController, BudgetsController, RepricingController, FxRatesController],
  providers: [
    CostEstimateService,
    UsageIngestService,
    CostReportsService,
    BudgetsService,
    BudgetLedger,
    BudgetReservations,
    BudgetAlerts,
    RepricingService,
    FxRatesService,
  ],
  exports: [
    CostEstimateService,
    UsageIngestService,
    CostReportsService,
    BudgetsService,
    BudgetReservations,
    BudgetAlerts,
    RepricingService,
  ],
})
export class CostTrackingModule {}
