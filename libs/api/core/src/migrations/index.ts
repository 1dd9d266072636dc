import { CreateJobRun1763790000000 } from './1763790000000-create-job-run';
import { CreateAuth1763800000000 } from './1763800000000-create-auth';
import { CreateCatalog1763810000000 } from './1763810000000-create-catalog';
import { CatalogStats1763820000000 } from './1763820000000-catalog-stats';
import { SearchVectorWords1763830000000 } from './1763830000000-search-vector-words';
import { LineageCoveringIndex1764600000000 } from './1764600000000-lineage-covering-index';
import { CreatePricing1764610000000 } from './1764610000000-create-pricing';
import { CreateSync1764620000000 } from './1764620000000-create-sync';
import { SyncReconciliation1764630000000 } from './1764630000000-sync-reconciliation';
import { CreateUsage1764640000000 } from './1764640000000-create-usage';
import { CreateBudgets1764650000000 } from './1764650000000-create-budgets';
import { UsageAdjustments1764660000000 } from './1764660000000-usage-adjustments';
import { BudgetWebhooks1764670000000 } from './1764670000000-budget-webhooks';
import { OfferingMatchRules1764680000000 } from './1764680000000-offering-match-rules';
import { DataChangeNotifications1764690000000 } from './1764690000000-data-change-notifications';
import { FxRates1764700000000 } from './1764700000000-fx-rates';
import { CreateConnections1764710000000 } from './1764710000000-create-connections';
import { CreateChat1764720000000 } from './1764720000000-create-chat';
import { GatewayLimits1764730000000 } from './1764730000000-gateway-limits';
import { ProjectMembers1764740000000 } from './1764740000000-project-members';
import { WebhookSignatures1764750000000 } from './1764750000000-webhook-signatures';
import { SyncSourceChanges1764760000000 } from './1764760000000-sync-source-changes';
import { ModelIdentity1764770000000 } from './1764770000000-model-identity';
import { HeldPrices1764780000000 } from './1764780000000-held-prices';
import { CapabilityFacts1764790000000 } from './1764790000000-capability-facts';
import { HeldPriceNotes1764800000000 } from './1764800000000-held-price-notes';
import { ObservedPriceHistory1764810000000 } from './1764810000000-observed-price-history';
import { ProviderFallbacks1764820000000 } from './1764820000000-provider-fallbacks';
import { ModelListed1764830000000 } from './1764830000000-model-listed';
import { SyncRunChanges1764840000000 } from './1764840000000-sync-run-changes';
import { ModelChangeLog1764850000000 } from './1764850000000-model-change-log';

/**
 * Every migration, oldest first. Listed explicitly (not globbed) so the bundled app, the CLI and the
 * TypeORM CLI all see the same set. Add each new migration class here.
 */
export const ALL_MIGRATIONS = [
  CreateJobRun1763790000000,
  CreateAuth1763800000000,
  CreateCatalog1763810000000,
  CatalogStats1763820000000,
  SearchVectorWords1763830000000,
  LineageCoveringIndex1764600000000,
  CreatePricing1764610000000,
  CreateSync1764620000000,
  SyncReconciliation1764630000000,
  CreateUsage1764640000000,
  CreateBudgets1764650000000,
  UsageAdjustments1764660000000,
  BudgetWebhooks1764670000000,
  OfferingMatchRules1764680000000,
  DataChangeNotifications1764690000000,
  FxRates1764700000000,
  CreateConnections1764710000000,
  CreateChat1764720000000,
  GatewayLimits1764730000000,
  ProjectMembers1764740000000,
  WebhookSignatures1764750000000,
  SyncSourceChanges1764760000000,
  ModelIdentity1764770000000,
  HeldPrices1764780000000,
  CapabilityFacts1764790000000,
  HeldPriceNotes1764800000000,
  ObservedPriceHistory1764810000000,
  ProviderFallbacks1764820000000,
  ModelListed1764830000000,
  SyncRunChanges1764840000000,
  ModelChangeLog1764850000000,
];
