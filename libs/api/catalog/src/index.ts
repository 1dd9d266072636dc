export * from './lib/catalog.module';
