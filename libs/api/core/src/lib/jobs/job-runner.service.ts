import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { DomainError } from '../errors/domain-error';
import { MetricsService } from '../metrics/metrics.service';
import { execute, query } from '../database/query';
import { ExclusiveRunner } from './exclusive';
import { JobDefinition, JobRegistry } from './job-registry';
import type { JobCounts, JobTrigger } from './job-run.entity';

export interface RunOptions {
  trigger: JobTrigger;
  /** For cron runs: the tick being served. Another instance serving the same tick makes this run a no-op. */
  scheduledFor?: Date;
}

export type RunOutcome =
  | { status: 'succeeded'; runId: string; counts: JobCounts }
  | { status: 'failed'; runId: string; error: string }
  | { status: 'skipped'; reason: 'running-elsewhere' | 'tick-already-served' };

/**
 * Runs a named job once across every API instance sharing the database: a PostgreSQL advisory lock keeps runs
 * from overlapping and a unique (job, tick) row keeps a cron tick from being served twice.
 */
@Injectable()
export class JobRunnerService {
  private readonly logger = new Logger('Jobs');
  private readonly instance = `${hostname()}:${process.pid}`;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
    private readonly exclusive: ExclusiveRunner,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  async run(name: string, options: RunOptions): Promise<RunOutcome> {
    const job = this.registry.get(name);
    if (!job) {
      throw DomainError.notFound(
        'JOB_NOT_FOUND',
        `No job named "${name}". Known jobs: ${this.registry
          .list()
          .map((j) => j.name)
          .join(', ')}.`,
      );
    }
    const outcome = await this.exclusive.runExclusive(`mph:job:${name}`, async (): Promise<RunOutcome> => {
      // Holding the lock proves no one else is running this job: older "running" rows were abandoned.
      await execute(
        this.dataSource,
        `UPDATE job_run SET status = 'failed', finished_at = now(), error = 'abandoned: the instance running it stopped'
         WHERE job_name = $1 AND status = 'running'`,
        [name],
      );
      const inserted = await query<{ id: string }>(
        this.dataSource,
        `INSERT INTO job_run (job_name, trigger, status, scheduled_for, instance)
         VALUES ($1, $2, 'running', $3, $4)
         ON CONFLICT (job_name, scheduled_for) WHERE scheduled_for IS NOT NULL DO NOTHING
         RETURNING id`,
        [name, options.trigger, options.scheduledFor ?? null, this.instance],
      );
      if (inserted.length === 0) return { status: 'skipped', reason: 'tick-already-served' };
      return this.execute(job, inserted[0].id, options.trigger);
    });
    if (outcome.ran) return outcome.value;
    this.logger.log(`Job ${name} is already running on another instance; skipped.`);
    return { status: 'skipped', reason: 'running-elsewhere' };
  }

  private async execute(job: JobDefinition, runId: string, trigger: JobTrigger): Promise<RunOutcome> {
    const name = job.name;
    const counts: JobCounts = {};
    const stopTimer = this.metrics.jobDuration.startTimer({ job: name });
    try {
      const returned = await job.run({
        trigger,
        count: (key, by = 1) => {
          counts[key] = (counts[key] ?? 0) + by;
        },
      });
      Object.assign(counts, returned ?? {});
      await execute(
        this.dataSource,
        `UPDATE job_run SET status = 'succeeded', finished_at = now(), counts = $2 WHERE id = $1`,
        [runId, JSON.stringify(counts)],
      );
      this.metrics.jobRuns.inc({ job: name, status: 'succeeded' });
      this.logger.log(`Job ${name} succeeded: ${JSON.stringify(counts)}`);
      return { status: 'succeeded', runId, counts };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await execute(
        this.dataSource,
        `UPDATE job_run SET status = 'failed', finished_at = now(), counts = $2, error = $3 WHERE id = $1`,
        [runId, JSON.stringify(counts), message.slice(0, 4000)],
      );
      this.metrics.jobRuns.inc({ job: name, status: 'failed' });
      this.logger.error(`Job ${name} failed: ${message}`);
      return { status: 'failed', runId, error: message };
    } finally {
      stopTimer();
    }
  }
}
