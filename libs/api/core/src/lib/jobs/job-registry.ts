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

/** Jobs known to this process. Domain modules register theirs at module init; some come and go (a sync source's). */
@Injectable()
export class JobRegistry {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly listeners = new Set<(name: string) => void>();

  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`Job "${job.name}" is registered twice.`);
    this.jobs.set(job.name, job);
    this.listeners.forEach((fn) => fn(job.name));
  }

  /** Adds or replaces a job whose definition follows data (an operator changed a source's schedule). */
  upsert(job: JobDefinition): void {
    const before = this.jobs.get(job.name);
    this.jobs.set(job.name, job);
    if (!before || before.cron !== job.cron) this.listeners.forEach((fn) => fn(job.name));
  }

  unregister(name: string): void {
    if (this.jobs.delete(name)) this.listeners.forEach((fn) => fn(name));
  }

  /** Calls `fn` with a job's name whenever it is added, removed or its schedule changes (the scheduler follows). */
  onChange(fn: (name: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get(name: string): JobDefinition | undefined {
    return this.jobs.get(name);
  }

  list(): JobDefinition[] {
    return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
