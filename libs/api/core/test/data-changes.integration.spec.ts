import { DataSource } from 'typeorm';
import { DataChanges, ResponseCache } from '../src';
import { createTestApp, createTestDatabase, TestApp, TestDatabase } from '../testing';

/** Resolves with the first change `changes` reports that satisfies `accept` (no sleeps, no polling). */
function next(changes: DataChanges, accept: (table: string | null) => boolean): Promise<string | null> {
  return new Promise((resolve) => {
    const off = changes.subscribe((table) => {
      if (!accept(table)) return;
      off();
      resolve(table);
    });
  });
}

describe('data change notifications across instances', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await createTestApp({ database: db });
    b = await createTestApp({ database: db });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it('tells every instance which table a commit on another instance changed', async () => {
    const onA = next(a.app.get(DataChanges), (t) => t === 'vendors');
    const onB = next(b.app.get(DataChanges), (t) => t === 'vendors');
    await a.app.get(DataSource).query(`INSERT INTO vendors (slug, name) VALUES ('acme', 'Acme AI')`);
    await expect(Promise.all([onA, onB])).resolves.toEqual(['vendors', 'vendors']);
    expect(a.app.get(DataChanges).live && b.app.get(DataChanges).live).toBe(true);
  });

  it('says nothing for a rolled-back write, and once per table for a committed transaction', async () => {
    const seen: (string | null)[] = [];
    const off = b.app.get(DataChanges).subscribe((t) => seen.push(t));
    const ds = a.app.get(DataSource);
    await ds
      .transaction(async (m) => {
        await m.query(`UPDATE vendors SET name = 'Never' WHERE slug = 'acme'`);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const done = next(b.app.get(DataChanges), (t) => t === 'models');
    await ds.transaction(async (m) => {
      await m.query(`UPDATE vendors SET name = 'Acme' WHERE slug = 'acme'`);
      await m.query(`UPDATE vendors SET name = 'Acme Labs' WHERE slug = 'acme'`);
      await m.query(`UPDATE models SET downloads = downloads WHERE false`);
    });
    await done;
    off();
    expect(seen).toEqual(['vendors', 'models']);
  });

  it('drops the other instance’s cached public answers when a price or catalog table changes', async () => {
    const cache = b.app.get(ResponseCache);
    const key = cache.key('catalog', '/api/v1/models?q=acme');
    cache.set(key, { data: ['stale'] }, 60);
    expect(cache.get(key)).toEqual({ data: ['stale'] });
    const heard = next(b.app.get(DataChanges), (t) => t === 'vendors');
    await a.app.get(DataSource).query(`UPDATE vendors SET homepage = 'https://acme.test' WHERE slug = 'acme'`);
    await heard;
    expect(cache.get(cache.key('catalog', '/api/v1/models?q=acme'))).toBeUndefined();
  });

  it('reports itself down when its connection is cut (caches stop serving), then reconnects and flushes', async () => {
    const changes = b.app.get(DataChanges);
    const lost = next(changes, (t) => t === null && !changes.live);
    const back = next(changes, (t) => t === null && changes.live);
    await a.app.get(DataSource).query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'model-price-hub-changes' AND datname = current_database() AND pid <> pg_backend_pid()`,
    );
    await lost;
    await back;
    expect(changes.live).toBe(true);
    const heard = next(changes, (t) => t === 'vendors');
    await a.app.get(DataSource).query(`UPDATE vendors SET name = 'Acme' WHERE slug = 'acme'`);
    await expect(heard).resolves.toBe('vendors');
  });
});
