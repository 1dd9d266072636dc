export * from './lib/cost-tracking.module';
