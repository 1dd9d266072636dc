import { Routes } from '@angular/router';
import { CatalogPage } from './catalog-page';
import { ComparePage } from './compare-page';
import { ModelPage } from './model-page';
import { StatsPage } from './stats-page';

export const CATALOG_ROUTES: Routes = [
  { path: '', component: CatalogPage, title: 'Models · Model Price Hub' },
  { path: 'compare', component: ComparePage, title: 'Compare · Model Price Hub' },
  { path: 'stats', component: StatsPage, title: 'Catalog statistics · Model Price Hub' },
  { path: 'models/:owner/:name', component: ModelPage, title: 'Model · Model Price Hub' },
];
