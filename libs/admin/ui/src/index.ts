export * from './lib/coming-soon';
export * from './lib/confirm-dialog';
export * from './lib/http-context';
export * from './lib/icons';
export * from './lib/secret-dialog';
export * from './lib/step-chart';
export * from './lib/stacked-bars';
export * from './lib/money';
