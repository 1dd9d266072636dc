export * from './lib/pricing.routes';
export { conditionLabel, currentVersions, stepSeries, upcomingVersions } from './lib/format';
export { PriceEditorDialog } from './lib/price-editor-dialog';
