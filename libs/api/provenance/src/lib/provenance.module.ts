import { Module } from '@nestjs/common';

/** Owns the provenance tables, services and routes; filled in by its own issue. */
@Module({})
export class ProvenanceModule {}
