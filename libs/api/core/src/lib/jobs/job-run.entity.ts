import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type JobTrigger = 'cron' | 'manual';
export type JobRunStatus = 'running' | 'succeeded' | 'failed';
export type JobCounts = Record<string, number>;

@Entity({ name: 'job_run' })
export class JobRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  jobName!: string;

  @Column({ type: 'text' })
  trigger!: JobTrigger;

  @Column({ type: 'text' })
  status!: JobRunStatus;

  @Column({ type: 'timestamptz', nullable: true })
  scheduledFor!: Date | null;

  @Column({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'jsonb' })
  counts!: JobCounts;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'text' })
  instance!: string;
}
