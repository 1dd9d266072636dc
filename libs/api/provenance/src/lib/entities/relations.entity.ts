import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Relation } from '../hf-relations';

/**
 * derivative → base. The base may be missing from the catalog (kept by id). `synchronize: false`: the foreign key to
 * models belongs to another lib's table, which TypeORM relations must not cross; the migration owns this schema.
 */
@Entity({ name: 'base_model_relations', synchronize: false })
@Check('ck_base_model_relations_relation', `relation IN ('finetune', 'adapter', 'quantized', 'merge')`)
@Index('ix_base_model_relations_base', ['baseModelId', 'relation'])
export class BaseModelRelationEntity {
  @PrimaryColumn({ type: 'text' })
  modelId!: string;

  @PrimaryColumn({ type: 'text' })
  baseModelId!: string;

  @Column({ type: 'text' })
  relation!: Relation;

  /** tag | card | inferred | manual */
  @Column({ type: 'text' })
  source!: string;
}

@Entity({ name: 'dataset_relations', synchronize: false })
export class DatasetRelationEntity {
  @PrimaryColumn({ type: 'text' })
  modelId!: string;

  @PrimaryColumn({ type: 'text' })
  datasetId!: string;
}

export const PROVENANCE_ENTITIES = [BaseModelRelationEntity, DatasetRelationEntity];
