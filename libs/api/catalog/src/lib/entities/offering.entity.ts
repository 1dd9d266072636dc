import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ModelEntity } from './model.entity';
import { VendorEntity } from './vendor.entity';

/** A model served by a provider under the provider's own id; prices (pricing lib) belong to offerings. */
@Entity({ name: 'offerings' })
@Check('ck_offerings_status', `status IN ('active', 'deprecated')`)
@Index('ux_offerings_provider_model', ['providerSlug', 'providerModelId'], { unique: true })
@Index('ix_offerings_model', ['modelId'])
export class OfferingEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_offerings' })
  id!: string;

  @Column({ type: 'text' })
  modelId!: string;

  @ManyToOne(() => ModelEntity, { onUpdate: 'CASCADE' })
  @JoinColumn({ name: 'model_id', foreignKeyConstraintName: 'fk_offerings_model' })
  model?: ModelEntity;

  @Column({ type: 'text' })
  providerSlug!: string;

  @ManyToOne(() => VendorEntity)
  @JoinColumn({ name: 'provider_slug', foreignKeyConstraintName: 'fk_offerings_provider' })
  provider?: VendorEntity;

  @Column({ type: 'text' })
  providerModelId!: string;

  @Column({ type: 'integer', nullable: true })
  contextWindow!: number | null;

  @Column({ type: 'integer', nullable: true })
  maxOutput!: number | null;

  @Column({ type: 'text', default: 'active' })
  status!: 'active' | 'deprecated';

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
