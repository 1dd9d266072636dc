import { Routes } from '@angular/router';
import { authGuard, roleGuard } from '@mph/admin-feature-auth';
import { BudgetsPage } from './budgets-page';
import { CostsPage } from './costs-page';
import { EstimatePage } from './estimate-page';
import { FxRatesPage } from './fx-rates-page';
import { RepricePage } from './reprice-page';
import { UsagePage } from './usage-page';

export const COSTS_ROUTES: Routes = [
  { path: '', component: CostsPage, title: 'Costs · Model Price Hub', canActivate: [authGuard] },
  { path: 'usage', component: UsagePage, title: 'Usage · Model Price Hub', canActivate: [authGuard] },
  { path: 'budgets', component: BudgetsPage, title: 'Budgets · Model Price Hub', canActivate: [authGuard] },
  { path: 'fx-rates', component: FxRatesPage, title: 'Exchange rates · Model Price Hub', canActivate: [authGuard] },
  {
    path: 'reprice',
    component: RepricePage,
    title: 'Re-price past calls · Model Price Hub',
    canActivate: [roleGuard('operator', 'admin')],
  },
  // The estimate tool is public, like the API it calls.
  { path: 'estimate', component: EstimatePage, title: 'Estimate · Model Price Hub' },
];
