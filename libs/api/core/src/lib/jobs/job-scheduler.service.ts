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

  private readonly scheduled = new Map<string, { cron: string; job: CronJob }>();
  private unsubscribe?: () => void;

  onApplicationBootstrap(): void {
    if (!this.config.jobs.enabled) return;
    for (const job of this.registry.list()) this.follow(job.name);
    this.unsubscribe = this.registry.onChange((name) => this.follow(name));
  }

  /** Makes the cron of one job match its definition: scheduled, moved to a new expression, or stopped. */
  private follow(name: string): void {
    const expression = this.registry.get(name)?.cron;
    const current = this.scheduled.get(name);
    if (current && current.cron === expression) return;
    if (current) {
      this.stop(name, current.job);
      this.scheduled.delete(name);
    }
    if (!expression) return;
    const cron = CronJob.from({
      cronTime: expression,
      timeZone: 'UTC',
      start: true,
      onTick: () => {
        void this.runner
          .run(name, { trigger: 'cron', scheduledFor: tickOf(expression, new Date()) })
          .catch((error: unknown) => this.logger.error(`Scheduled job ${name} could not run: ${String(error)}`));
      },
    });
    this.scheduler.addCronJob(name, cron);
    this.scheduled.set(name, { cron: expression, job: cron });
    this.logger.log(`Scheduled job ${name} (${expression} UTC)`);
  }

  /** The jobs whose cron fires on this instance. */
  scheduledNames(): string[] {
    return [...this.scheduled.keys()];
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    for (const [name, { job }] of this.scheduled) this.stop(name, job);
    this.scheduled.clear();
  }

  private stop(name: string, job: CronJob): void {
    void job.stop();
    // @nestjs/schedule may have dropped it already (its own shutdown hook can run first).
    if (this.scheduler.doesExist('cron', name)) this.scheduler.deleteCronJob(name);
  }
}
