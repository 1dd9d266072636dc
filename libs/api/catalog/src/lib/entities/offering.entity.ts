import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ModelEntity } from './model.entity';
import { VendorEntity } from './vendor.entity';

/** A model served by a provider under the provider's own id; prices (pricing lib) belong to offerings. */
@Entity({ name: 'offerings' })
@Check('ck_offerings_status', `status IN ('active', 'deprecated')`)
@Index('ux_offerings_provider_model', ['providerSlug', 'providerModelId'], { unique: true })
@Index('ix_offerings_model', ['modelId'])
@Index('ix_offerings_aliases', { synchronize: false })
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

  /** Other spellings of this offering's id that feeds use (`gpt-oss-120b` for Fireworks' `accounts/…/gpt-oss-120b`). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  aliases!: string[];

  /** A free tier, commitment plan or image quality this offering sells the model as; null for the plain one. */
  @Column({ type: 'text', nullable: true })
  variant!: string | null;

  /** Why it belongs to its model (OfferingIdentity in the registry); an operator's decision pins it. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  identity!: Record<string, unknown>;

  @Column({ type: 'boolean', default: false })
  identityPinned!: boolean;

  @Column({ type: 'text', default: 'active' })
  status!: 'active' | 'deprecated';

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
