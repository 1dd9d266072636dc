import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { VendorEntity } from './vendor.entity';

export interface ModelFile {
  name: string;
  size: number | null;
  lfs: boolean;
}

/** A canonical model (`org/name`), its capabilities and its Hugging Face metadata. */
@Entity({ name: 'models' })
@Check('ck_models_id', `length(id) BETWEEN 1 AND 200`)
// GIN and expression indexes, created by the migration; TypeORM cannot describe them, so it leaves them alone.
@Index('ix_models_search', { synchronize: false })
@Index('ix_models_tags', { synchronize: false })
@Index('ix_models_aliases', { synchronize: false })
@Index('ix_models_identity_keys', { synchronize: false })
@Index('ix_models_lower_id', { synchronize: false })
@Index('ix_models_downloads', { synchronize: false })
@Index('ix_models_likes', { synchronize: false })
@Index('ix_models_trending', { synchronize: false })
@Index('ix_models_hf_created', { synchronize: false })
@Index('ix_models_hf_modified', { synchronize: false })
@Index('ix_models_change_xid', { synchronize: false })
@Index('ix_models_author', ['author'])
@Index('ix_models_creator_vendor', ['creatorVendor'])
@Index('ix_models_pipeline_tag', ['pipelineTag'])
@Index('ix_models_library_name', ['libraryName'])
@Index('ix_models_license', ['license'])
export class ModelEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_models' })
  id!: string;

  @Column({ type: 'text' })
  author!: string;

  @Column({ type: 'text', nullable: true })
  creatorVendor!: string | null;

  @ManyToOne(() => VendorEntity)
  @JoinColumn({ name: 'creator_vendor', foreignKeyConstraintName: 'fk_models_creator_vendor' })
  creator?: VendorEntity | null;

  @Column({ type: 'text' })
  displayName!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'integer', nullable: true })
  contextWindow!: number | null;

  @Column({ type: 'integer', nullable: true })
  maxOutput!: number | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  inputModalities!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  outputModalities!: string[];

  @Column({ type: 'boolean', nullable: true })
  toolCalling!: boolean | null;

  @Column({ type: 'boolean', nullable: true })
  structuredOutput!: boolean | null;

  @Column({ type: 'boolean', nullable: true })
  reasoning!: boolean | null;

  @Column({ type: 'boolean', nullable: true })
  vision!: boolean | null;

  @Column({ type: 'boolean', nullable: true })
  openWeights!: boolean | null;

  @Column({ type: 'text', nullable: true })
  license!: string | null;

  @Column({ type: 'date', nullable: true })
  releaseDate!: string | null;

  @Column({ type: 'text', nullable: true })
  knowledgeCutoff!: string | null;

  /** When the model was last updated by its maker (models.dev `last_updated`). */
  @Column({ type: 'date', nullable: true })
  lastUpdated!: string | null;

  @Column({ type: 'date', nullable: true })
  deprecationDate!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  aliases!: string[];

  @Column({ type: 'text', nullable: true })
  pipelineTag!: string | null;

  @Column({ type: 'text', nullable: true })
  libraryName!: string | null;

  @Column({ type: 'integer', default: 0 })
  likes!: number;

  // bigint arrives as a string from pg; counts stay far below 2^53, so the service converts them to numbers.
  @Column({ type: 'bigint', default: 0 })
  downloads!: string;

  @Column({ type: 'bigint', nullable: true })
  downloadsAllTime!: string | null;

  @Column({ type: 'double precision', default: 0 })
  trendingScore!: number;

  @Column({ type: 'timestamptz', nullable: true })
  hfCreatedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  hfLastModified!: Date | null;

  @Column({ type: 'text', nullable: true })
  gated!: string | null;

  @Column({ type: 'boolean', default: false })
  private!: boolean;

  @Column({ type: 'text', nullable: true })
  sha!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  files!: ModelFile[];

  @Column({ type: 'text', default: 'manual' })
  source!: string;

  /** False for built-in helpers (the local echo model): served, priced, but not listed in the public catalog. */
  @Column({ type: 'boolean', default: true })
  listed!: boolean;

  /** The model an operator (or a sync's identity) merged this one into; this one is then soft-deleted. */
  @Column({ type: 'text', nullable: true })
  mergedInto!: string | null;

  /** Matching keys of the id and aliases (mph_identity_keys), kept by the tr_models_identity_keys trigger. */
  @Column({ type: 'text', array: true, default: () => "'{}'", select: false, insert: false, update: false })
  identityKeys!: string[];

  /**
   * The transaction that last wrote the row (xid8 as bigint), kept by the tr_models_change_xid trigger: the search
   * index catches up by reading the rows written since its last snapshot. Never written by the app.
   */
  @Column({ type: 'bigint', nullable: true, select: false, insert: false, update: false })
  changeXid!: string | null;

  /** Maintained by the tr_models_search_vector trigger; never written by the app. */
  @Column({ type: 'tsvector', default: () => "''", select: false, insert: false, update: false })
  searchVector!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
