import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { PriceVersionEntity } from './price-version.entity';

/**
 * One rate of a version: USD (or the version's currency) per 1M tokens for token units, per item otherwise.
 * `promptTokensAbove` > 0 makes it a cliff tier chosen when the whole prompt is strictly larger; a window makes it
 * apply only between two UTC times of day (it may wrap past midnight).
 */
@Entity({ name: 'price_components', synchronize: false })
export class PriceComponentEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_price_components' })
  id!: string;

  @Column({ type: 'uuid' })
  versionId!: string;

  @ManyToOne('PriceVersionEntity', 'components', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id', foreignKeyConstraintName: 'fk_price_components_version' })
  version?: PriceVersionEntity;

  @Column({ type: 'text' })
  unit!: string;

  /** A decimal string, exactly as stored (numeric): never a JavaScript number. */
  @Column({ type: 'numeric' })
  amount!: string;

  @Column({ type: 'bigint', default: 0 })
  promptTokensAbove!: string;

  @Column({ type: 'time', nullable: true })
  windowStart!: string | null;

  @Column({ type: 'time', nullable: true })
  windowEnd!: string | null;
}
