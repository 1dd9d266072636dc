import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { ActivatedRoute, Params, Router } from '@angular/router';
import { JobDefinitionDto, JobRunDto, JobsService } from '@mph/admin-api-client';
import { errorText, silentErrors } from '@mph/admin-ui';

/** A run's duration in words: "2.9 s", "340 ms", "running". */
export function runDuration(r: Pick<JobRunDto, 'started_at' | 'finished_at'>): string {
  if (!r.finished_at) return 'running';
  const ms = Date.parse(r.finished_at) - Date.parse(r.started_at);
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

/**
 * A job's name for people: per-source sync jobs are registered as `sync-source:<uuid>`, their description names the
 * source ("Price sync of litellm (litellm)").
 */
export function jobTitle(job: Pick<JobDefinitionDto, 'name' | 'description'>): string {
  return /^[a-z-]+:[0-9a-f-]{36}$/.test(job.name) ? job.description : job.name;
}

/** A run's counts as "name 3 · other 1" (snake_case names in words). */
export function countsText(counts: Record<string, number>): string {
  return (
    Object.entries(counts)
      .map(([k, n]) => `${k.replace(/_/g, ' ')} ${n.toLocaleString('en-US')}`)
      .join(' · ') || '—'
  );
}

/** Admin › Jobs: the scheduled jobs with their last run and "Run now", and every run, filtered in the URL. */
@Component({
  selector: 'mph-jobs-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    DecimalPipe,
    MatButtonModule,
    MatFormFieldModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  templateUrl: './jobs-page.html',
  styleUrl: './jobs-page.scss',
})
export class JobsPage {
  private readonly api = inject(JobsService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly snack = inject(MatSnackBar);
  readonly params = toSignal(this.route.queryParamMap, { requireSync: true });
  readonly jobs = signal<JobDefinitionDto[]>([]);
  readonly runs = signal<JobRunDto[]>([]);
  readonly total = signal(0);
  readonly lastRuns = signal<Map<string, JobRunDto>>(new Map());
  readonly running = signal<string | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly duration = runDuration;
  readonly countsText = countsText;
  readonly jobTitle = jobTitle;
  /** Runs name their job by its registered name: the title for it. */
  titleOf(name: string): string {
    const job = this.jobs().find((j) => j.name === name);
    return job ? jobTitle(job) : name;
  }
  readonly page = computed(() => Math.max(1, Number(this.params().get('page') ?? 1) || 1));
  readonly statuses = ['running', 'succeeded', 'failed'];

  constructor() {
    this.loadJobs();
    effect(() => {
      this.params();
      untracked(() => this.loadRuns());
    });
  }

  setFilter(key: string, value: string): void {
    this.navigate({ [key]: value || null, page: null });
  }

  paginate(e: PageEvent): void {
    this.navigate({ page: e.pageIndex + 1 });
  }

  runNow(job: JobDefinitionDto): void {
    this.running.set(job.name);
    this.api.runJob({ name: job.name }, silentErrors()).subscribe({
      next: (run) => {
        this.running.set(null);
        this.snack.open(
          run.status === 'succeeded'
            ? `${job.name} ran in ${runDuration(run)}: ${countsText(run.counts)}.`
            : `${job.name} failed: ${run.error ?? 'no message'}.`,
          'OK',
          { duration: 6000 },
        );
        this.loadJobs();
        this.loadRuns();
      },
      error: (e: unknown) => {
        this.running.set(null);
        this.snack.open(errorText(e, `${job.name} could not be started; try again.`), 'OK', { duration: 6000 });
      },
    });
  }

  private navigate(changes: Params): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: changes, queryParamsHandling: 'merge' });
  }

  /** The jobs and each one's latest run. */
  private loadJobs(): void {
    this.api.listJobs(undefined, silentErrors()).subscribe({
      next: ({ data }) => {
        this.jobs.set(data);
        for (const j of data) {
          this.api.listJobRuns({ job: j.name, per_page: 1 }, silentErrors()).subscribe({
            next: (r) => this.lastRuns.update((m) => (r.data[0] ? new Map(m).set(j.name, r.data[0]) : m)),
            error: () => undefined,
          });
        }
      },
      error: (e: unknown) => this.error.set(errorText(e, 'The jobs could not be loaded.')),
    });
  }

  private loadRuns(): void {
    const p = this.params();
    this.loading.set(true);
    this.api
      .listJobRuns(
        {
          job: p.get('job') ?? undefined,
          status: (p.get('status') as JobRunDto['status'] | null) ?? undefined,
          page: this.page(),
          per_page: 20,
        },
        silentErrors(),
      )
      .subscribe({
        next: (r) => {
          this.runs.set(r.data);
          this.total.set(r.meta.total);
          this.loading.set(false);
        },
        error: (e: unknown) => {
          this.loading.set(false);
          this.error.set(errorText(e, 'The runs could not be loaded.'));
        },
      });
  }
}
