import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { PriceComponentEntity } from './price-component.entity';

export const SERVICE_TIERS = ['standard', 'batch', 'flex', 'priority'] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/**
 * The prices of one offering under one set of conditions (service tier, region) over [effective_from, effective_to).
 * Versions are never edited in place: a change closes the covering version and opens a new one.
 */
@Entity({ name: 'price_versions', synchronize: false })
export class PriceVersionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_price_versions' })
  id!: string;

  @Column({ type: 'uuid' })
  offeringId!: string;

  @Column({ type: 'text', default: 'standard' })
  serviceTier!: ServiceTier;

  /** '' is the provider's default (global) price; a region such as `us-east-1` overrides it there. */
  @Column({ type: 'text', default: '' })
  region!: string;

  @Column({ type: 'timestamptz' })
  effectiveFrom!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  effectiveTo!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;

  @Column({ type: 'text', default: 'manual' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  sourceRef!: string | null;

  @Column({ type: 'char', length: 3, default: 'USD' })
  currency!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'text', nullable: true })
  createdBy!: string | null;

  @OneToMany(() => PriceComponentEntity, (c) => c.version, { cascade: ['insert'] })
  components?: PriceComponentEntity[];
}
