import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROVENANCE_ENTITIES } from './entities/relations.entity';
import { ProvenanceService } from './provenance.service';

/** Base-model and dataset relations, and lineage queries over them. */
@Module({
  imports: [TypeOrmModule.forFeature(PROVENANCE_ENTITIES)],
  providers: [ProvenanceService],
  exports: [ProvenanceService],
})
export class ProvenanceModule {}
