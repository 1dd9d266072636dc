export * from './lib/costs.routes';
