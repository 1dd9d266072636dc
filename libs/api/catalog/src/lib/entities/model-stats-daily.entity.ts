import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ModelEntity } from './model.entity';

/** One snapshot of a model's downloads and likes per day, for the trending score. */
@Entity({ name: 'model_stats_daily' })
@Index('ix_model_stats_daily_day', ['day'])
export class ModelStatsDailyEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_model_stats_daily' })
  modelId!: string;

  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'pk_model_stats_daily' })
  day!: string;

  @ManyToOne(() => ModelEntity, { onDelete: 'CASCADE', onUpdate: 'CASCADE' })
  @JoinColumn({ name: 'model_id', foreignKeyConstraintName: 'fk_model_stats_daily_model' })
  model?: ModelEntity;

  @Column({ type: 'bigint' })
  downloads!: string;

  @Column({ type: 'integer' })
  likes!: number;
}
