import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SyncPlan } from './sync-plan';

export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'quarantined' | 'approved' | 'rejected';
export type SyncTrigger = 'cron' | 'manual' | 'cli' | 'webhook';

export interface SyncCounts {
  entries?: number;
  records?: number;
  invalid?: number;
  added?: number;
  changed?: number;
  unchanged?: number;
  missing?: number;
  locked?: number;
  deferred?: number;
  observations_written?: number;
  conflicts?: number;
  deleted_skipped?: number;
  versions_written?: number;
  offerings_created?: number;
  models_created?: number;
  vendors_created?: number;
  /** Entries that are another spelling of an offering the feed already named. */
  aliased?: number;
  /** Stored offerings moved to another model on stronger identity evidence, and models emptied by that, merged. */
  offerings_moved?: number;
  models_merged?: number;
  /** New or changed prices held for an operator's review by the sanity guards. */
  held?: number;
  /** Models whose shown capabilities changed with what this feed says. */
  capabilities_updated?: number;
  bytes?: number;
  /** While fetching: the feed's size when the server announced it (Content-Length). */
  bytes_total?: number;
  duration_ms?: number;
}

/** One run of a source (or an ad-hoc feed): status, phase, counts, the plan it computed, errors. */
@Entity({ name: 'sync_runs', synchronize: false })
export class SyncRunEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_sync_runs' })
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  sourceId!: string | null;

  @Column({ type: 'text' })
  sourceName!: string;

  @Column({ type: 'text' })
  adapter!: string;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ type: 'text' })
  trigger!: SyncTrigger;

  @Column({ type: 'boolean', default: false })
  dryRun!: boolean;

  @Column({ type: 'text', default: 'running' })
  status!: SyncRunStatus;

  @Column({ type: 'text', nullable: true })
  phase!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'jsonb', default: {} })
  counts!: SyncCounts;

  @Column({ type: 'jsonb', nullable: true })
  plan!: SyncPlan | null;

  @Column({ type: 'jsonb', default: [] })
  errors!: { ref: string; reason: string }[];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'text', nullable: true })
  quarantineReason!: string | null;

  @Column({ type: 'text', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  startedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  scheduledFor!: Date | null;
}
