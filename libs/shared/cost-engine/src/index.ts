export * from './lib/money';
export * from './lib/usage';
export * from './lib/unit-registry';
export * from './lib/rates';
export * from './lib/calculate';
export * from './lib/extract';
export * from './lib/extract-rules';
export * from './lib/match';
