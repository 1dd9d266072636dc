import { Routes } from '@angular/router';
import { CatalogPage } from './catalog-page';
import { ComparePage } from './compare-page';
import { ModelPage } from './model-page';
import { StatsPage } from './stats-page';
import { TrendingPage } from './trending-page';
import { VendorsPage } from './vendors-page';

export const CATALOG_ROUTES: Routes = [
  { path: '', component: CatalogPage, title: 'Models · Model Price Hub' },
  { path: 'compare', component: ComparePage, title: 'Compare · Model Price Hub' },
  { path: 'stats', component: StatsPage, title: 'Catalog statistics · Model Price Hub' },
  { path: 'trending', component: TrendingPage, title: 'Trending · Model Price Hub' },
  { path: 'vendors', component: VendorsPage, title: 'Vendors · Model Price Hub' },
  { path: 'models/:owner/:name', component: ModelPage, title: 'Model · Model Price Hub' },
];
