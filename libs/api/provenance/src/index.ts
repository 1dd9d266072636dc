export * from './lib/provenance.module';
