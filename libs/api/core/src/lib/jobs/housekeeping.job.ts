import { execute } from '../database/query';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { JobRegistry } from './job-registry';

export const HOUSEKEEPING_JOB = 'housekeeping';

/** Daily: prunes finished job_run rows older than JOB_RUN_RETENTION_DAYS. */
@Injectable()
export class HousekeepingJob implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: HOUSEKEEPING_JOB,
      description: `Deletes finished job runs older than ${this.config.jobs.runRetentionDays} days.`,
      cron: this.config.jobs.housekeepingCron,
      run: async () => ({ job_runs_deleted: await this.pruneJobRuns() }),
    });
  }

  async pruneJobRuns(): Promise<number> {
    const deleted = await execute(
      this.dataSource,
      `DELETE FROM job_run WHERE status <> 'running' AND started_at < now() - make_interval(days => $1)`,
      [this.config.jobs.runRetentionDays],
    );
    return deleted ?? 0;
  }
}
