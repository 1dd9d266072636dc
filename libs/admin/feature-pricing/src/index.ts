export * from './lib/pricing.routes';
export { stepSeries, upcomingVersions } from './lib/format';
export { PriceEditorDialog } from './lib/price-editor-dialog';
