import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CoreModule } from '@mph/api-core';
import { createTestApp, createTestDatabase, TestApp, TestDatabase } from '@mph/api-core/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CatalogModule, SearchIndexService } from '../src';
import { catalogApp, http } from './kit';

@Module({})
class Root {}

/** Deterministic models: families, sizes, variants and authors that share words, with ties and unknown values. */
async function seedModels(url: string): Promise<number> {
  const ds = new DataSource({ type: 'postgres', url });
  await ds.initialize();
  let seed = 11;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  const families = ['llama', 'qwen', 'mistral', 'mixtral', 'gemma', 'phi', 'stablelm', 'falcon'];
  const variants = ['instruct', 'chat', 'coder', 'base', 'GGUF', 'AWQ', 'lora'];
  const authors = ['meta-llama', 'bartowski', 'TheBloke', 'unsloth', 'user1', 'user2'];
  const rows: unknown[][] = [];
  for (let i = 0; i < 400; i++) {
    const family = pick(families);
    const id = `${pick(authors)}/${family}-${pick(['7b', '8b', '13b', '70b'])}-${pick(variants)}-${i}`;
    rows.push([
      id,
      id.split('/')[1],
      id.split('/')[0],
      pick(['text-generation', 'text-generation', 'feature-extraction', null]),
      pick(['transformers', 'gguf', 'peft', null]),
      pick([true, false, null]),
      // Ties on purpose: a handful of download counts, likes often 0, unknown dates.
      pick([0, 10, 500, 12_000, 12_000, 7_500_000]),
      pick([0, 0, 3, 40]),
      pick([0, 0.5, 2.25]),
      rand() < 0.2 ? null : new Date(Date.UTC(2024, Math.floor(rand() * 12), 1 + Math.floor(rand() * 28))),
      rand() < 0.2 ? null : new Date(Date.UTC(2025, Math.floor(rand() * 12), 1 + Math.floor(rand() * 28))),
      [pick(['license:apache-2.0', 'license:mit']), pick(['en', 'fr', 'code'])],
      rand() < 0.3 ? pick([4096, 8192, 131072]) : null,
    ]);
  }
  for (const r of rows) {
    await ds.query(
      `INSERT INTO models (id, display_name, author, pipeline_tag, library_name, open_weights, downloads, likes,
         trending_score, hf_created_at, hf_last_modified, tags, context_window, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'huggingface')`,
      r,
    );
  }
  await ds.destroy();
  return rows.length;
}

describe('catalog search: the in-process index', () => {
  let db: TestDatabase;
  let memory: TestApp;
  let sql: TestApp;
  let other: TestApp;
  let operator: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The schema: the first app migrates, then the models go in before the index apps start.
    const first = await catalogApp({ database: db, env: { SEARCH_ENGINE: 'postgres' } });
    await seedModels(db.url);
    sql = first;
    memory = await createTestApp({
      database: db,
      root: (o) => ({ module: Root, imports: [CoreModule.forRoot(o), AuthModule, CatalogModule] }),
    });
    await memory.app.get(SearchIndexService).ready();
    other = await catalogApp({ database: db });
    await memory.app
      .get(UsersService)
      .create(SYSTEM_ACTOR, { email: 'operator@search.test', role: 'operator', password: 'operator-password-123' });
    operator = (
      await request(memory.app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ email: 'operator@search.test', password: 'operator-password-123' })
    ).body.access_token;
  });
  afterAll(async () => {
    await other?.close();
    await memory?.close();
    await sql?.close();
    await db?.drop();
  });

  type Page = { body: { data: { id: string }[]; meta: { total: number; next_cursor: string | null } } };
  const ids = (res: Page) => res.body.data.map((m) => m.id);
  const engineOf = (res: { headers: Record<string, string> }) => /desc="(\w+)"/.exec(res.headers['server-timing'])?.[1];

  it('answers text searches from the index, and says so', async () => {
    const res = await http(memory).get('/api/v1/models?q=llama').expect(200);
    expect(engineOf(res)).toBe('memory');
    expect(res.headers['server-timing']).toMatch(/index;dur=\d/);
    const viaSql = await http(sql).get('/api/v1/models?q=llama').expect(200);
    expect(engineOf(viaSql)).toBe('postgres');
  });

  // Sorted by a value, both engines must give the same rows in the same order, ties broken by id.
  const queries = [
    'q=llama',
    'q=llam',
    'q=mistral%20instruct',
    'q=bartowski%20gguf',
    'q=7b&pipeline_tag=text-generation',
    'q=qwen&library=gguf&open_weights=true',
    'q=phi&open_weights=false',
    'q=gemma&author=unsloth',
    'q=meta&min_context=8192',
    'q=chat&library=nothing-has-this',
    'q=zzzz',
  ];
  const sorts = ['downloads', 'likes', 'trending', 'created', 'updated', 'context'];
  it.each(queries.flatMap((q) => sorts.map((s) => `${q}&sort=${s}`)))('%s: the same as the SQL search', async (qs) => {
    for (const page of ['page=1&per_page=7', 'page=3&per_page=7']) {
      const a = await http(memory).get(`/api/v1/models?${qs}&${page}`).expect(200);
      const b = await http(sql).get(`/api/v1/models?${qs}&${page}`).expect(200);
      expect(engineOf(a)).toBe('memory');
      expect(ids(a)).toEqual(ids(b));
      expect(a.body.meta.total).toBe(b.body.meta.total);
    }
  });

  it('pages by cursor exactly as by offset, and takes the SQL search cursors', async () => {
    for (const sort of ['downloads', 'created', 'likes']) {
      const all = ids(await http(memory).get(`/api/v1/models?q=gemma&sort=${sort}&per_page=100`).expect(200));
      expect(all.length).toBeGreaterThan(20);
      const walked: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: Page = await http(pages % 2 ? sql : memory)
          .get(`/api/v1/models?q=gemma&sort=${sort}&per_page=9${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        walked.push(...ids(res));
        cursor = res.body.meta.next_cursor;
        pages++;
      } while (cursor && pages < 50);
      expect(walked).toEqual(all);
    }
    await http(memory)
      .get('/api/v1/models?q=llama&sort=created&cursor=eyJzIjoiY3JlYXRlZCIsInYiOiJ4IiwiaWQiOiJhIn0')
      .expect(400);
  });

  it('ranks by relevance: the exact id first, every SQL match found', async () => {
    const exact = ids(await http(sql).get('/api/v1/models?q=bartowski&sort=likes&per_page=1').expect(200))[0];
    const res = await http(memory)
      .get(`/api/v1/models?q=${encodeURIComponent(exact.toUpperCase())}`)
      .expect(200);
    expect(ids(res)[0]).toBe(exact);
    for (const q of ['mistral', 'gemma 7b', 'TheBloke lora']) {
      const viaSql = ids(
        await http(sql)
          .get(`/api/v1/models?q=${encodeURIComponent(q)}&per_page=100`)
          .expect(200),
      );
      const viaIndex = ids(
        await http(memory)
          .get(`/api/v1/models?q=${encodeURIComponent(q)}&per_page=100`)
          .expect(200),
      );
      expect(viaSql.length).toBeGreaterThan(0);
      // The exact matches rank before the typo matches (mistral ~ mixtral), all of them.
      expect(new Set(viaIndex.slice(0, viaSql.length))).toEqual(new Set(viaSql));
    }
  });

  it('tolerates a typo in a model name: lama finds llama', async () => {
    const llama = await http(sql).get('/api/v1/models?q=llama&sort=downloads&per_page=100').expect(200);
    const rest = await http(sql).get('/api/v1/models?q=llama&sort=downloads&per_page=100&page=2').expect(200);
    const all = new Set([...ids(llama), ...ids(rest)]);
    expect(all.size).toBe(llama.body.meta.total);
    const lama = await http(memory).get('/api/v1/models?q=lama&per_page=100').expect(200);
    expect(lama.body.meta.total).toBe(llama.body.meta.total);
    expect(ids(lama).every((id) => all.has(id))).toBe(true);
    // Sorted by downloads, typo matches are tried only when nothing matches exactly.
    const sorted = await http(memory).get('/api/v1/models?q=lama&sort=downloads&per_page=5').expect(200);
    expect(sorted.body.meta.total).toBe(llama.body.meta.total);
    const exact = await http(memory).get('/api/v1/models?q=mixtral&sort=downloads&per_page=100').expect(200);
    expect(ids(exact).every((id) => id.includes('mixtral'))).toBe(true);
    await http(memory)
      .get('/api/v1/models?q=zzzzzz')
      .expect(200)
      .expect((r) => expect(r.body.meta.total).toBe(0));
  });

  /** Polls `fn` until it holds, at most `ms`; returns the time taken. */
  async function within(ms: number, fn: () => Promise<boolean>): Promise<number> {
    const started = Date.now();
    while (!(await fn())) {
      if (Date.now() - started > ms) throw new Error(`not seen within ${ms} ms`);
      await new Promise((r) => setImmediate(r));
    }
    return Date.now() - started;
  }
  const finds = (t: TestApp, q: string, id: string) => async () =>
    ids(
      await http(t)
        .get(`/api/v1/models?q=${encodeURIComponent(q)}`)
        .expect(200),
    ).includes(id);

  it('shows an edit at once on the writing instance and within 1 s on another', async () => {
    const id = ids(await http(sql).get('/api/v1/models?q=falcon&sort=downloads&per_page=1').expect(200))[0];
    const [owner, name] = id.split('/');
    await request(memory.app.getHttpServer())
      .patch(`/api/v1/models/${owner}/${name}`)
      .set('Authorization', `Bearer ${operator}`)
      .send({ display_name: 'Kestrelwing Falcon' })
      .expect(200);
    // The writer reads its own write: no waiting.
    expect(await finds(memory, 'kestrelwing', id)()).toBe(true);
    expect(await within(1000, finds(other, 'kestrelwing', id))).toBeLessThan(1000);
  });

  it('shows a write from another process (a sync, an import) within 1 s, and forgets deleted models', async () => {
    const ds = sql.app.get(DataSource);
    await ds.query(
      `INSERT INTO models (id, display_name, author, downloads, source) VALUES ('synced/harrier-7b', 'Harrier 7B', 'synced', 5, 'huggingface')`,
    );
    await within(1000, finds(memory, 'harrier', 'synced/harrier-7b'));
    await within(1000, finds(other, 'harrier 7b', 'synced/harrier-7b'));
    await ds.query(`UPDATE models SET deleted_at = now() WHERE id = 'synced/harrier-7b'`);
    await within(1000, async () => !(await finds(other, 'harrier', 'synced/harrier-7b')()));
    await ds.query(`UPDATE models SET listed = false WHERE id = $1`, [
      ids(await http(sql).get('/api/v1/models?q=kestrelwing').expect(200))[0],
    ]);
    await within(
      1000,
      async () => (await http(other).get('/api/v1/models?q=kestrelwing').expect(200)).body.meta.total === 0,
    );
    // A row deletion (never done by the app) loads the index afresh.
    const gone = ids(await http(sql).get('/api/v1/models?q=stablelm&sort=downloads&per_page=1').expect(200))[0];
    await ds.query(`DELETE FROM models WHERE id = $1`, [gone]);
    const remaining = (await http(sql).get('/api/v1/models?q=stablelm').expect(200)).body.meta.total;
    // The count too (a page leaves out rows the database no longer has, but only the reloaded index counts right).
    await within(
      5000,
      async () => (await http(other).get('/api/v1/models?q=stablelm').expect(200)).body.meta.total === remaining,
    );
    expect(await finds(other, 'stablelm', gone)()).toBe(false);
    const status = await other.app.get(SearchIndexService).status();
    expect(status).toMatchObject({ engine: 'memory', thread: 'main', state: 'ready' });
    // 400 seeded, one added and deleted, one no longer listed, one row deleted.
    expect(status.models).toBe(398);
  });

  it('leaves filters it does not hold (price, provider, lineage, tags) to the SQL search', async () => {
    for (const qs of [
      'q=llama&tags=en',
      'q=llama&has_base_model=false',
      'q=llama&provider=x',
      'q=llama&modality_in=text',
    ]) {
      const res = await http(memory).get(`/api/v1/models?${qs}`).expect(200);
      expect(engineOf(res)).toBe('postgres');
    }
  });
});
