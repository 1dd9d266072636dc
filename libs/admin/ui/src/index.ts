export * from './lib/coming-soon';
export * from './lib/icons';
