import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { JobRegistry } from './job-registry';
import { JobRunnerService } from './job-runner.service';

/** The tick a cron firing serves: the current minute (or second, for 6-field expressions), so instances agree. */
export function tickOf(cron: string, firedAt: Date): Date {
  const seconds = cron.trim().split(/\s+/).length === 6;
  const t = new Date(firedAt);
  t.setUTCMilliseconds(0);
  if (!seconds) t.setUTCSeconds(0);
  return t;
}

/** Registers every job that has a cron expression with @nestjs/schedule (HTTP app only, when JOBS_ENABLED). */
@Injectable()
export class JobSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly runner: JobRunnerService,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.jobs.enabled) return;
    for (const job of this.registry.list()) {
      const expression = job.cron;
      if (!expression) continue;
      const cron = CronJob.from({
        cronTime: expression,
        timeZone: 'UTC',
        start: true,
        onTick: () => {
          void this.runner
            .run(job.name, { trigger: 'cron', scheduledFor: tickOf(expression, new Date()) })
            .catch((error: unknown) => this.logger.error(`Scheduled job ${job.name} could not run: ${String(error)}`));
        },
      });
      this.scheduler.addCronJob(job.name, cron);
      this.logger.log(`Scheduled job ${job.name} (${job.cron} UTC)`);
    }
  }

  onApplicationShutdown(): void {
    for (const [name, cron] of this.scheduler.getCronJobs()) {
      void cron.stop();
      this.scheduler.deleteCronJob(name);
    }
  }
}
