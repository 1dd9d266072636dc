import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type JobTrigger = 'cron' | 'manual';
export type JobRunStatus = 'running' | 'succeeded' | 'failed';
export type JobCounts = Record<string, number>;

/** Mirrors migration CreateJobRun1763790000000 exactly (a test compares the two). */
@Entity({ name: 'job_run' })
@Check('ck_job_run_trigger', `trigger IN ('cron', 'manual')`)
@Check('ck_job_run_status', `status IN ('running', 'succeeded', 'failed')`)
@Index('ix_job_run_name_started', ['jobName', 'startedAt'])
@Index('ix_job_run_started', ['startedAt'])
@Index('ux_job_run_name_scheduled', ['jobName', 'scheduledFor'], { unique: true, where: 'scheduled_for IS NOT NULL' })
export class JobRunEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_job_run' })
  id!: string;

  @Column({ type: 'text' })
  jobName!: string;

  @Column({ type: 'text' })
  trigger!: JobTrigger;

  @Column({ type: 'text' })
  status!: JobRunStatus;

  @Column({ type: 'timestamptz', nullable: true })
  scheduledFor!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  counts!: JobCounts;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'text' })
  instance!: string;
}
