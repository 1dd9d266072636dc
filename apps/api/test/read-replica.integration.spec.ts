import { createTestApp, createTestDatabase, TcpProxy, TEST_ENV, TestApp, TestDatabase } from '@mph/api-core/testing';
import { Client } from 'pg';
import request from 'supertest';
import { AppModule } from '../src/app/app.module';

/**
 * DATABASE_READ_URL: the heaviest public reads (catalog search, price list, changes feed) go to the replica, and
 * everything else to the primary. The "replica" here is a second database with the same catalog that the test then
 * makes differ (a replica that never catches up), so the answers show which database each read came from.
 */
describe('read replica (DATABASE_READ_URL)', () => {
  let replica: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  const model = 'openai/gpt-4o';

  const onReplica = async (sql: string) => {
    const c = new Client({ connectionString: replica.url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    replica = await createTestDatabase();
    // The same schema and demo catalog as the primary, as a streaming standby would have.
    const seeded = await createTestApp({
      root: (o) => AppModule.forRoot(o),
      env: { CATALOG_DEMO_SEED: 'true' },
      database: replica,
    });
    await seeded.close();
    await onReplica(`UPDATE models SET display_name = 'GPT-4o (replica)' WHERE id = '${model}'`);
    await onReplica(`UPDATE offerings SET provider_model_id = provider_model_id || '@replica'`);
    const routed = await TcpProxy.forUrl(replica.url);
    proxy = routed.proxy;
    t = await createTestApp({
      root: (o) => AppModule.forRoot(o),
      env: { CATALOG_DEMO_SEED: 'true', DATABASE_READ_URL: routed.url, RESPONSE_CACHE_SECONDS: '0' },
    });
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.cut();
    await replica?.drop();
  });

  const http = () => request(t.app.getHttpServer());

  it('answers catalog searches, the price list and the changes feed from the replica', async () => {
    const search = await http().get('/api/v1/models').query({ q: 'gpt-4o' }).expect(200);
    expect(search.body.data.find((m: { id: string }) => m.id === model)?.display_name).toBe('GPT-4o (replica)');
    const prices = await http().get('/api/v1/prices').query({ provider: 'openai' }).expect(200);
    expect(prices.body.data.length).toBeGreaterThan(0);
    for (const p of prices.body.data) expect(p.offering.provider_model_id).toMatch(/@replica$/);
    const changes = await http().get('/api/v1/prices/changes').query({ since: '2000-01-01T00:00:00Z' }).expect(200);
    expect(changes.body.data.length).toBeGreaterThan(0);
    for (const c of changes.body.data) expect(c.offering.provider_model_id).toMatch(/@replica$/);
  });

  it('reads model pages and a model’s prices from the primary', async () => {
    const detail = await http().get(`/api/v1/models/${model}`).expect(200);
    expect(detail.body.display_name).not.toBe('GPT-4o (replica)');
    const prices = await http().get(`/api/v1/models/${model}/prices`).expect(200);
    expect(prices.body.data.length).toBeGreaterThan(0);
    for (const p of prices.body.data) expect(p.offering.provider_model_id).not.toMatch(/@replica$/);
  });

  it('answers signed-in callers (operators reading back their edits) from the primary, even on the replica routes', async () => {
    const login = await http()
      .post('/api/v1/auth/login')
      .send({ email: TEST_ENV['ADMIN_EMAIL'], password: TEST_ENV['ADMIN_PASSWORD'] })
      .expect(200);
    const auth = `Bearer ${login.body.access_token}`;
    const search = await http().get('/api/v1/models').query({ q: 'gpt-4o' }).set('Authorization', auth).expect(200);
    const found = search.body.data.find((m: { id: string }) => m.id === model);
    expect(found?.display_name).toBeDefined();
    expect(found.display_name).not.toBe('GPT-4o (replica)');
    for (const path of ['/api/v1/prices', '/api/v1/prices/changes']) {
      const res = await http()
        .get(path)
        .query(path.endsWith('changes') ? { since: '2000-01-01T00:00:00Z' } : { provider: 'openai' })
        .set('Authorization', auth)
        .expect(200);
      expect(res.body.data.length).toBeGreaterThan(0);
      for (const p of res.body.data) expect(p.offering.provider_model_id).not.toMatch(/@replica$/);
    }
  });

  it('answers 503 for replica reads while the replica is unreachable, and recovers when it is back', async () => {
    await proxy.cut();
    try {
      const down = await http().get('/api/v1/models').query({ q: 'claude' }).expect(503);
      expect(down.body.error.code).toBe('SERVICE_UNAVAILABLE');
      // The primary still serves everything else.
      await http().get(`/api/v1/models/${model}`).expect(200);
    } finally {
      await proxy.open();
    }
    const back = await http().get('/api/v1/models').query({ q: 'gpt-4o' }).expect(200);
    expect(back.body.data.find((m: { id: string }) => m.id === model)?.display_name).toBe('GPT-4o (replica)');
  });
});
