import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../testing';

describe('job scheduler (JOBS_ENABLED=true)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { JOBS_ENABLED: 'true', HOUSEKEEPING_CRON: '5 4 * * *' } });
  });
  afterAll(() => t.close());

  it('registers every job that has a cron expression, in UTC', () => {
    const cron = t.app.get(SchedulerRegistry).getCronJob('housekeeping');
    expect(cron.isActive).toBe(true);
    const next = cron.nextDate().toJSDate();
    expect(next.getUTCHours()).toBe(4);
    expect(next.getUTCMinutes()).toBe(5);
  });

  it('runs the job through the runner when the cron fires, recording the tick it served', async () => {
    t.app.get(SchedulerRegistry).getCronJob('housekeeping').fireOnTick();
    const ds = t.app.get(DataSource);
    let rows: { status: string; trigger: string; scheduled_for: Date }[] = [];
    // The tick starts the run without waiting for it; poll the table until the run has finished.
    for (let i = 0; i < 500 && !rows.some((r) => r.status === 'succeeded'); i++) {
      rows = await ds.query(`SELECT status, trigger, scheduled_for FROM job_run WHERE job_name = 'housekeeping'`);
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'succeeded', trigger: 'cron' });
    expect(rows[0].scheduled_for.getUTCSeconds()).toBe(0);
    expect(rows[0].scheduled_for.getUTCMilliseconds()).toBe(0);
  });

  it('stops its cron jobs when the app closes', async () => {
    const other = await createTestApp({ env: { JOBS_ENABLED: 'true' } });
    const registry = other.app.get(SchedulerRegistry);
    expect(registry.getCronJobs().size).toBe(1);
    await other.close();
    expect(registry.getCronJobs().size).toBe(0);
  });
});
