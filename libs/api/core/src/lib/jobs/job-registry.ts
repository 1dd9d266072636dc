import { Injectable } from '@nestjs/common';
import type { JobCounts } from './job-run.entity';

export interface JobContext {
  /** Why the job runs now. */
  trigger: 'cron' | 'manual';
  /** Adds to the counts recorded on the run (e.g. `{ deleted: 12 }`). */
  count(name: string, by?: number): void;
}

export interface JobDefinition {
  name: string;
  description: string;
  /** Cron expression (5 or 6 fields, UTC); omit for jobs that only run when triggered. */
  cron?: string;
  run(ctx: JobContext): Promise<JobCounts | void>;
}

/** Jobs known to this process. Domain modules register theirs at module init. */
@Injectable()
export class JobRegistry {
  private readonly jobs = new Map<string, JobDefinition>();

  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`Job "${job.name}" is registered twice.`);
    this.jobs.set(job.name, job);
  }

  get(name: string): JobDefinition | undefined {
    return this.jobs.get(name);
  }

  list(): JobDefinition[] {
    return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
