import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../http/pagination';
import type { JobRunEntity, JobRunStatus } from './job-run.entity';

const STATUSES: JobRunStatus[] = ['running', 'succeeded', 'failed'];

export class JobRunsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only runs of this job.', example: 'housekeeping' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  job?: string;

  @ApiPropertyOptional({ enum: STATUSES, description: 'Only runs in this state.' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: JobRunStatus;
}

export class JobRunDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'housekeeping' })
  job!: string;

  @ApiProperty({ enum: ['cron', 'manual'] })
  trigger!: string;

  @ApiProperty({ enum: STATUSES })
  status!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The cron tick this run served.' })
  scheduled_for!: string | null;

  @ApiProperty({ format: 'date-time' })
  started_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finished_at!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { job_runs_deleted: 3 } })
  counts!: Record<string, number>;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty({ description: 'host:pid of the instance that ran it.' })
  instance!: string;

  static from(e: JobRunEntity): JobRunDto {
    return {
      id: e.id,
      job: e.jobName,
      trigger: e.trigger,
      status: e.status,
      scheduled_for: e.scheduledFor?.toISOString() ?? null,
      started_at: e.startedAt.toISOString(),
      finished_at: e.finishedAt?.toISOString() ?? null,
      counts: e.counts,
      error: e.error,
      instance: e.instance,
    };
  }
}

export class JobDefinitionDto {
  @ApiProperty({ example: 'housekeeping' })
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Cron expression in UTC, or null when run only on demand.',
  })
  cron!: string | null;
}
