export * from './lib/catalog.routes';
export { ancestorLevels, derivativeGroups, ModelPage } from './lib/model-page';
export { CatalogPage, modelLink } from './lib/catalog-page';
export { ComparePage, COMPARE_ROWS } from './lib/compare-page';
export { HomePage } from './lib/home-page';
