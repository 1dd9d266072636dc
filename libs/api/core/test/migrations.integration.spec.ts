import { DataSource } from 'typeorm';
import { ALL_MIGRATIONS, dataSourceOptions, migrationStatus, revertLastMigration, runMigrations } from '../src';
import { createTestDatabase, testConfig, TestDatabase } from '../testing';

async function tables(ds: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(testConfig(), db.url)).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('go up on a fresh database, all the way down, and up again', async () => {
    expect(await tables(ds)).toEqual([]);
    const applied = await runMigrations(ds);
    expect(applied.map((m) => m.name)).toEqual(ALL_MIGRATIONS.map((M) => new M().name));
    expect(await tables(ds)).toEqual(expect.arrayContaining(['job_run', 'schema_migrations']));
    expect((await migrationStatus(ds)).every((m) => m.applied)).toBe(true);
    expect(await runMigrations(ds)).toEqual([]);

    for (let i = 0; i < ALL_MIGRATIONS.length; i++) await revertLastMigration(ds);
    expect(await tables(ds)).toEqual(['schema_migrations']);
    expect((await migrationStatus(ds)).some((m) => m.applied)).toBe(false);

    expect((await runMigrations(ds)).length).toBe(ALL_MIGRATIONS.length);
    expect(await tables(ds)).toContain('job_run');
  });

  it('serialises concurrent migrators (two instances starting together)', async () => {
    const other = await createTestDatabase();
    const a = await new DataSource(dataSourceOptions(testConfig(), other.url)).initialize();
    const b = await new DataSource(dataSourceOptions(testConfig(), other.url)).initialize();
    try {
      const [ra, rb] = await Promise.all([runMigrations(a), runMigrations(b)]);
      expect(ra.length + rb.length).toBe(ALL_MIGRATIONS.length);
      const [{ n }] = await a.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(n).toBe(ALL_MIGRATIONS.length);
    } finally {
      await a.destroy();
      await b.destroy();
      await other.drop();
    }
  });

  it('reports status before the migrations table exists', async () => {
    const empty = await createTestDatabase();
    const e = await new DataSource(dataSourceOptions(testConfig(), empty.url)).initialize();
    try {
      expect((await migrationStatus(e)).map((m) => m.applied)).toEqual(ALL_MIGRATIONS.map(() => false));
    } finally {
      await e.destroy();
      await empty.drop();
    }
  });
});
