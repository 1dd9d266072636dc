import { Routes } from '@angular/router';
import { roleGuard } from '@mph/admin-feature-auth';
import { OfferingPricesPage } from './offering-prices-page';
import { PricesPage } from './prices-page';
import { CatalogReportPage } from './catalog-report-page';
import { ExportsPage } from './exports-page';
import { QualityPage } from './quality-page';
import { ReviewPage } from './review-page';
import { SyncRunPage } from './sync-run-page';
import { SyncRunsPage } from './sync-runs-page';
import { SyncSourcesPage } from './sync-sources-page';

const operators = [roleGuard('operator', 'admin')];

export const PRICING_ROUTES: Routes = [
  { path: '', component: PricesPage, title: 'Prices · Model Price Hub' },
  { path: 'exports', component: ExportsPage, title: 'Exports · Model Price Hub' },
  { path: 'offerings/:id', component: OfferingPricesPage, title: 'Offering prices · Model Price Hub' },
  { path: 'sync', component: SyncSourcesPage, title: 'Sync sources · Model Price Hub', canActivate: operators },
  { path: 'sync/runs', component: SyncRunsPage, title: 'Sync runs · Model Price Hub', canActivate: operators },
  { path: 'sync/runs/:id', component: SyncRunPage, title: 'Sync run · Model Price Hub', canActivate: operators },
  { path: 'review', component: ReviewPage, title: 'Review · Model Price Hub', canActivate: operators },
  { path: 'report', component: CatalogReportPage, title: 'Catalog report · Model Price Hub', canActivate: operators },
  { path: 'quality', component: QualityPage, title: 'Data quality · Model Price Hub', canActivate: operators },
];
