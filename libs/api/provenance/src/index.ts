export * from './lib/provenance.module';
export * from './lib/provenance.service';
export * from './lib/hf-relations';
export { PROVENANCE_ENTITIES } from './lib/entities/relations.entity';
