import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter, Router } from '@angular/router';
import type { JobRunDto } from '@mph/admin-api-client';
import { countsText, jobTitle, JobsPage, runDuration } from './jobs-page';

const run = (over: Partial<JobRunDto>): JobRunDto => ({
  id: 'r1',
  job: 'housekeeping',
  trigger: 'cron',
  status: 'succeeded',
  scheduled_for: null,
  started_at: '2026-12-01T03:17:00.000Z',
  finished_at: '2026-12-01T03:17:02.921Z',
  counts: { job_runs_deleted: 3 },
  error: null,
  instance: 'host:1',
  ...over,
});

describe('jobs page', () => {
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideNoopAnimations(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'admin/jobs', component: JobsPage }]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('says durations and counts in words', () => {
    expect(runDuration(run({}))).toBe('2.9 s');
    expect(runDuration(run({ finished_at: '2026-12-01T03:17:00.340Z' }))).toBe('340 ms');
    expect(runDuration(run({ finished_at: null }))).toBe('running');
    expect(countsText({ job_runs_deleted: 3, authors: 1200 })).toBe('job runs deleted 3 · authors 1,200');
    expect(countsText({})).toBe('—');
    expect(
      jobTitle({ name: 'sync-source:225099b2-f7f9-4c36-b1da-5c5206649f3f', description: 'Price sync of litellm' }),
    ).toBe('Price sync of litellm');
    expect(jobTitle({ name: 'housekeeping', description: 'Prunes old runs.' })).toBe('housekeeping');
  });

  it('lists jobs with their last run, filters runs in the URL, and runs a job now', async () => {
    await TestBed.inject(Router).navigateByUrl('/admin/jobs?status=failed');
    const fixture = TestBed.createComponent(JobsPage);
    await fixture.whenStable();
    http.expectOne('/api/v1/jobs').flush({
      data: [{ name: 'housekeeping', description: 'Prunes old job runs.', cron: '17 3 * * *' }],
      meta: { total: 1 },
    });
    const runs = http.match((r) => r.url === '/api/v1/jobs/runs');
    const filtered = runs.find((r) => r.request.params.get('status') === 'failed');
    const last = runs.find((r) => r.request.params.get('job') === 'housekeeping');
    filtered?.flush({
      data: [run({ id: 'r2', status: 'failed', error: 'feed unreachable' })],
      meta: { page: 1, per_page: 20, total: 1 },
    });
    last?.flush({ data: [run({})], meta: { page: 1, per_page: 1, total: 1 } });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="job-housekeeping"]')?.textContent).toContain('succeeded in 2.9 s');
    expect(el.querySelector('[data-testid="runs-table"]')?.textContent).toContain('feed unreachable');

    (el.querySelector('[data-testid="run-housekeeping"]') as HTMLButtonElement).click();
    const post = http.expectOne('/api/v1/jobs/housekeeping/run');
    expect(post.request.method).toBe('POST');
    post.flush(run({ id: 'r3', trigger: 'manual' }));
    await fixture.whenStable();
    // Both lists reload after the run.
    http.expectOne('/api/v1/jobs').flush({ data: [], meta: { total: 0 } });
    http.expectOne((r) => r.url === '/api/v1/jobs/runs').flush({ data: [], meta: { page: 1, per_page: 20, total: 0 } });
  });
});
