import request from 'supertest';
import { DataSource } from 'typeorm';
import { HousekeepingJob, JobRegistry, JobRunnerService } from '../src';
import { createTestApp, createTestDatabase, TestApp, TestDatabase } from '../testing';
import { tickOf } from '../src/lib/jobs/job-scheduler.service';

/** A promise the test resolves by hand: the job stays "running" until the test says so (no sleeps). */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('job runner across two app instances on one database', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const executions: string[] = [];
  let currentGate = gate();
  let started = gate();

  const register = (app: TestApp, label: string) =>
    app.app.get(JobRegistry).register({
      name: 'race',
      description: 'test job',
      run: async (ctx) => {
        executions.push(label);
        started.open();
        await currentGate.wait;
        ctx.count('items', 3);
        return { extra: 1 };
      },
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await createTestApp({ database: db });
    b = await createTestApp({ database: db });
    register(a, 'a');
    register(b, 'b');
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });
  beforeEach(async () => {
    executions.length = 0;
    currentGate = gate();
    started = gate();
    await a.app.get(DataSource).query('DELETE FROM job_run');
  });

  it('runs a cron tick exactly once when both instances fire it together', async () => {
    currentGate.open();
    const tick = new Date('2026-11-22T03:17:00Z');
    const outcomes = await Promise.all([
      a.app.get(JobRunnerService).run('race', { trigger: 'cron', scheduledFor: tick }),
      b.app.get(JobRunnerService).run('race', { trigger: 'cron', scheduledFor: tick }),
    ]);
    expect(executions).toHaveLength(1);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'succeeded']);
    const rows = await a.app.get(DataSource).query(`SELECT status, trigger, counts, scheduled_for FROM job_run`);
    expect(rows).toEqual([
      { status: 'succeeded', trigger: 'cron', counts: { items: 3, extra: 1 }, scheduled_for: tick },
    ]);
  });

  it('does not serve a tick again after it finished (the slower instance fires late)', async () => {
    currentGate.open();
    const tick = new Date('2026-11-22T04:17:00Z');
    expect((await a.app.get(JobRunnerService).run('race', { trigger: 'cron', scheduledFor: tick })).status).toBe(
      'succeeded',
    );
    expect(await b.app.get(JobRunnerService).run('race', { trigger: 'cron', scheduledFor: tick })).toEqual({
      status: 'skipped',
      reason: 'tick-already-served',
    });
    expect(executions).toEqual(['a']);
  });

  it('skips a manual run while the job is running on the other instance', async () => {
    const first = a.app.get(JobRunnerService).run('race', { trigger: 'manual' });
    await started.wait;
    expect(await b.app.get(JobRunnerService).run('race', { trigger: 'manual' })).toEqual({
      status: 'skipped',
      reason: 'running-elsewhere',
    });
    const [{ status }] = await a.app.get(DataSource).query(`SELECT status FROM job_run`);
    expect(status).toBe('running');
    currentGate.open();
    expect(await first).toMatchObject({ status: 'succeeded', counts: { items: 3, extra: 1 } });
    expect(executions).toEqual(['a']);
  });

  it('runs a job now over HTTP, answers its run, and 409 JOB_RUNNING while another instance runs it', async () => {
    const elsewhere = b.app.get(JobRunnerService).run('race', { trigger: 'manual' });
    await started.wait;
    const busy = await request(a.app.getHttpServer()).post('/api/v1/jobs/race/run').expect(409);
    expect(busy.body.error.code).toBe('JOB_RUNNING');
    currentGate.open();
    await elsewhere;
    const now = await request(a.app.getHttpServer()).post('/api/v1/jobs/race/run').expect(200);
    expect(now.body).toMatchObject({ job: 'race', trigger: 'manual', status: 'succeeded', counts: { items: 3 } });
    expect(executions).toEqual(['b', 'a']);
    const unknown = await request(a.app.getHttpServer()).post('/api/v1/jobs/nope/run').expect(404);
    expect(unknown.body.error.code).toBe('JOB_NOT_FOUND');
  });

  it('records a failure with its message', async () => {
    a.app.get(JobRegistry).register({
      name: 'broken',
      description: 'fails',
      run: async (ctx) => {
        ctx.count('before_failure');
        throw new Error('feed answered 502');
      },
    });
    const outcome = await a.app.get(JobRunnerService).run('broken', { trigger: 'manual' });
    expect(outcome).toMatchObject({ status: 'failed', error: 'feed answered 502' });
    const [row] = await a.app
      .get(DataSource)
      .query(`SELECT status, error, counts, finished_at FROM job_run WHERE job_name = 'broken'`);
    expect(row).toMatchObject({ status: 'failed', error: 'feed answered 502', counts: { before_failure: 1 } });
    expect(row.finished_at).toBeInstanceOf(Date);
  });

  it('marks runs left "running" by a stopped instance as abandoned', async () => {
    currentGate.open();
    const ds = a.app.get(DataSource);
    await ds.query(
      `INSERT INTO job_run (job_name, trigger, status, instance) VALUES ('race', 'manual', 'running', 'gone:1')`,
    );
    await b.app.get(JobRunnerService).run('race', { trigger: 'manual' });
    const rows = await ds.query(`SELECT status, error, instance FROM job_run ORDER BY started_at`);
    expect(rows[0]).toMatchObject({
      status: 'failed',
      instance: 'gone:1',
      error: expect.stringContaining('abandoned'),
    });
    expect(rows[1]).toMatchObject({ status: 'succeeded' });
  });

  it('answers 404 JOB_NOT_FOUND for an unknown job', async () => {
    await expect(a.app.get(JobRunnerService).run('nope', { trigger: 'manual' })).rejects.toMatchObject({
      status: 404,
      code: 'JOB_NOT_FOUND',
    });
  });
});

describe('housekeeping job and the runs API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { JOB_RUN_RETENTION_DAYS: '7' } });
  });
  afterAll(() => t.close());

  it('prunes finished runs older than the retention and keeps the rest', async () => {
    const ds = t.app.get(DataSource);
    await ds.query(`
      INSERT INTO job_run (job_name, trigger, status, started_at, finished_at, instance) VALUES
        ('old-ok', 'cron', 'succeeded', now() - interval '8 days', now() - interval '8 days', 'x'),
        ('old-failed', 'cron', 'failed', now() - interval '30 days', now() - interval '30 days', 'x'),
        ('recent', 'cron', 'succeeded', now() - interval '6 days', now() - interval '6 days', 'x')`);
    const outcome = await t.app.get(JobRunnerService).run('housekeeping', { trigger: 'manual' });
    expect(outcome).toMatchObject({ status: 'succeeded', counts: { job_runs_deleted: 2 } });
    const left: { job_name: string }[] = await ds.query(`SELECT job_name FROM job_run ORDER BY job_name`);
    expect(left.map((r) => r.job_name)).toEqual(['housekeeping', 'recent']);
    expect(await t.app.get(HousekeepingJob).pruneJobRuns()).toBe(0);
  });

  it('lists runs newest first with paging and filters', async () => {
    const http = request(t.app.getHttpServer());
    const all = await http.get('/api/v1/jobs/runs?per_page=1').expect(200);
    expect(all.body.meta).toEqual({ page: 1, per_page: 1, total: 2 });
    expect(all.body.data).toHaveLength(1);
    expect(all.body.data[0]).toMatchObject({
      job: 'housekeeping',
      status: 'succeeded',
      counts: { job_runs_deleted: 2 },
    });
    const page2 = await http.get('/api/v1/jobs/runs?per_page=1&page=2').expect(200);
    expect(page2.body.data[0].job).toBe('recent');
    const filtered = await http.get('/api/v1/jobs/runs?job=recent&status=succeeded').expect(200);
    expect(filtered.body.meta.total).toBe(1);
    await http.get('/api/v1/jobs/runs?status=exploded').expect(400);
    await http.get('/api/v1/jobs/runs?per_page=101').expect(400);
    await http.get('/api/v1/jobs/runs?page=0').expect(400);
  });

  it('lists the registered jobs with their schedules', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/v1/jobs').expect(200);
    expect(res.body).toEqual({
      data: [{ name: 'housekeeping', description: expect.stringContaining('7 days'), cron: '17 3 * * *' }],
      meta: { total: 1 },
    });
  });
});

describe('tickOf', () => {
  it('rounds 5-field crons to the minute and 6-field crons to the second', () => {
    const fired = new Date('2026-11-22T03:17:00.734Z');
    expect(tickOf('17 3 * * *', fired).toISOString()).toBe('2026-11-22T03:17:00.000Z');
    expect(tickOf('*/10 * * * * *', new Date('2026-11-22T03:17:10.250Z')).toISOString()).toBe(
      '2026-11-22T03:17:10.000Z',
    );
  });
});
