import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CatalogModule } from '@mph/api-catalog';
import { CoreModule, JobRegistry, JobRunnerService } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import request from 'supertest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataSource } from 'typeorm';
import { PricingModule, SyncSourcesService, webhookSignature } from '../src';
import { FeedServer, feedFile } from './feed-server';

@Module({})
class Root {}

// One JWT secret for both instances: passport keeps one "jwt" strategy per process, the last app's.
const ENV = {
  SYNC_ALLOWED_HOSTS: '127.0.0.1',
  SYNC_TIMEOUT_MS: '1000',
  SYNC_RETRIES: '0',
  JWT_SECRET: 'sync-test-secret-sync-test-secret-0123456789',
  SYNC_FILE_DIR: join(__dirname, 'fixtures'),
};

const root = (o: Parameters<typeof CoreModule.forRoot>[0]) => ({
  module: Root,
  imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule],
});

describe('price sync (sources, runs, safety, approval)', () => {
  let t: TestApp;
  let db: DataSource;
  let token = '';
  const feeds = new FeedServer();
  const litellm = feedFile('litellm/model_prices_and_context_window.json', 'litellm.json');
  const litellmJson = JSON.parse(litellm.body) as Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    await feeds.start();
    t = await createTestApp({
      root,
      env: ENV,
    });
    db = t.app.get(DataSource);
    await t.app
      .get(UsersService)
      .create(SYSTEM_ACTOR, { email: 'ops@sync.test', role: 'operator', password: 'operator-password-123' });
    token = (
      await request(t.app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ email: 'ops@sync.test', password: 'operator-password-123' })
    ).body.access_token;
  });
  afterAll(async () => {
    await t.close();
    await feeds.stop();
  });

  const api = () => {
    const http = request(t.app.getHttpServer());
    const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
    return {
      get: (url: string) => auth(http.get(url)),
      post: (url: string, body: object = {}) => auth(http.post(url)).send(body),
      patch: (url: string, body: object) => auth(http.patch(url)).send(body),
      put: (url: string, body: object) => auth(http.put(url)).send(body),
    };
  };
  /** Rows in every table a run may write: a failed or quarantined run must leave them all as they were. */
  const snapshot = async () =>
    (
      await db.query(`SELECT (SELECT count(*) FROM price_versions)::int AS versions,
                             (SELECT count(*) FROM price_components)::int AS components,
                             (SELECT count(*) FROM offerings)::int AS offerings,
                             (SELECT count(*) FROM models)::int AS models,
                             (SELECT count(*) FROM vendors)::int AS vendors,
                             (SELECT coalesce(sum(extract(epoch FROM coalesce(effective_to, 'epoch')))::bigint, 0)::text
                                FROM price_versions) AS closings`)
    )[0];
  const createSource = async (name: string, path: string, extra: object = {}) =>
    (
      await api()
        .post('/api/v1/sync/sources', { name, adapter: 'litellm', url: feeds.url(path), ...extra })
        .expect(201)
    ).body as { id: string };
  const run = async (id: string, body: object = {}) =>
    (
      await api()
        .post(`/api/v1/sync/sources/${id}/run`, { wait: true, ...body })
        .expect(200)
    ).body;
  const o3Input = async () =>
    (
      await request(t.app.getHttpServer()).get('/api/v1/prices?provider=openai&model=openai/o3&service_tier=standard')
    ).body.data[0]?.price.components.find(
      (c: { unit: string; prompt_tokens_above: number }) => c.unit === 'input' && !c.prompt_tokens_above,
    )?.amount;

  let mainId = '';

  it('dry-runs, then imports the LiteLLM map, and an identical second run writes nothing', async () => {
    feeds.json('/litellm.json', litellm.body);
    mainId = (await createSource('litellm-local', '/litellm.json', { schedule: '0 4 * * *' })).id;
    const empty = await snapshot();

    const dry = await run(mainId, { dry_run: true });
    expect(dry).toMatchObject({ status: 'succeeded', dry_run: true });
    expect(dry.counts.added).toBeGreaterThan(litellm.real ? 2500 : 5);
    expect(await snapshot()).toEqual(empty);

    const first = await run(mainId);
    expect(first.status).toBe('succeeded');
    expect(first.counts.added).toBe(dry.counts.added);
    expect(first.counts.versions_written).toBeGreaterThan(first.counts.added - 1);
    expect(await o3Input()).toBe('2');
    const after = await snapshot();
    expect(after.versions).toBe(first.counts.versions_written);
    // A large first sync refreshes the planner's statistics at once (a manual ANALYZE, not autovacuum's).
    const [stats] = await db.query(
      `SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'price_versions'`,
    );
    expect(stats.analyzed).toBe(first.counts.versions_written + first.counts.offerings_created >= 100);

    const second = await run(mainId);
    expect(second.counts).toMatchObject({ added: 0, changed: 0, versions_written: 0, offerings_created: 0 });
    expect(second.counts.unchanged).toBe(first.counts.versions_written);
    expect(await snapshot()).toEqual(after);

    const detail = await api().get(`/api/v1/sync/runs/${first.id}`).expect(200);
    expect(detail.body.added.length).toBeGreaterThan(0);
    expect(detail.body.added[0].versions[0].changes[0]).toMatchObject({ change: 'added', before: null });
  });

  it('records a price change as a new version from the run, leaves a locked offering alone', async () => {
    const changed = structuredClone(litellmJson);
    changed['o3'] = { ...changed['o3'], input_cost_per_token: 0.0000018 };
    changed['gpt-4o'] = { ...changed['gpt-4o'], output_cost_per_token: 0.000009 };
    feeds.json('/litellm.json', changed);
    const [gpt4o] = await db.query(
      `SELECT id FROM offerings WHERE provider_slug = 'openai' AND provider_model_id = 'gpt-4o'`,
    );
    await api().post(`/api/v1/offerings/${gpt4o.id}/prices/lock`, {});
    await request(t.app.getHttpServer())
      .put(`/api/v1/offerings/${gpt4o.id}/prices/lock`)
      .set('Authorization', `Bearer ${token}`)
      .send({ reason: 'our contract price' })
      .expect(200);
    const before = await snapshot();

    const res = await run(mainId);
    expect(res.counts).toMatchObject({ changed: 1, locked: 1, versions_written: 1 });
    expect(await o3Input()).toBe('1.8');
    expect((await snapshot()).versions).toBe(before.versions + 1);
    const history = await request(t.app.getHttpServer()).get(`/api/v1/models/openai/o3/prices`).expect(200);
    expect(history.body.data[0].price.source).toBe('litellm-local');
    const gptHistory = await db.query(
      `SELECT count(*)::int AS n FROM price_versions WHERE offering_id = $1 AND service_tier = 'standard'`,
      [gpt4o.id],
    );
    expect(gptHistory[0].n).toBe(1);
  });

  it.each([
    [
      'an HTTP 500',
      '/fault-500',
      (s: FeedServer) => s.routes.set('/fault-500', (_q, r) => ((r.statusCode = 500), r.end('boom'))),
      /HTTP 500/,
    ],
    [
      'malformed JSON',
      '/fault-json',
      (s: FeedServer) => s.json('/fault-json', '{"gpt-4o": {"litellm_provider": '),
      /not valid JSON/,
    ],
    [
      'a truncated body',
      '/fault-truncated',
      (s: FeedServer) =>
        s.routes.set('/fault-truncated', (_q, r) => {
          r.setHeader('content-length', String(litellm.body.length));
          r.write(litellm.body.slice(0, 200));
          setImmediate(() => r.socket?.destroy());
        }),
      /truncated/,
    ],
    [
      'a timeout',
      '/fault-slow',
      (s: FeedServer) => s.routes.set('/fault-slow', () => undefined),
      /did not answer within 1000 ms/,
    ],
  ])('fails cleanly on %s and changes nothing', async (_what, path, serve, message) => {
    serve(feeds);
    const { id } = await createSource(`fault${path.replace(/\//g, '-')}`, path);
    const before = await snapshot();
    const res = await run(id);
    expect(res.status).toBe('failed');
    expect(res.error).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a redirect to a private address the source is not allowed to reach', async () => {
    feeds.routes.set('/redirect', (_q, r) => {
      r.statusCode = 302;
      r.setHeader('location', 'http://127.0.0.2:9/secret');
      r.end();
    });
    const { id } = await createSource('fault-redirect', '/redirect');
    const before = await snapshot();
    const hits = feeds.hits.length;
    const res = await run(id);
    expect(res).toMatchObject({ status: 'failed', error: expect.stringContaining('127.0.0.2') });
    expect(feeds.hits.length).toBe(hits + 1);
    expect(await snapshot()).toEqual(before);
    await api()
      .post('/api/v1/sync/sources', { name: 'metadata', adapter: 'litellm', url: 'http://169.254.169.254/latest' })
      .expect(400)
      .expect((r) => expect(r.body.error.message).toMatch(/private, loopback or link-local/));
  });

  it('quarantines a feed that zeroes prices; approval applies exactly the previewed diff', async () => {
    const zeroed = structuredClone(litellmJson);
    for (const key of ['o3', 'claude-sonnet-4-5']) {
      zeroed[key] = { ...zeroed[key], input_cost_per_token: 0, output_cost_per_token: 0 };
    }
    feeds.json('/litellm.json', zeroed);
    const before = await snapshot();
    const res = await run(mainId);
    expect(res).toMatchObject({ status: 'quarantined', quarantine_reason: expect.stringMatching(/drop to 0/) });
    expect(await snapshot()).toEqual(before);
    const quarantined = await api().get(`/api/v1/sync/runs?status=quarantined`).expect(200);
    expect(quarantined.body.data.map((r: { id: string }) => r.id)).toContain(res.id);

    const preview = (await api().get(`/api/v1/sync/runs/${res.id}`).expect(200)).body;
    const planned = preview.changed.flatMap((c: { versions: object[] }) => c.versions).length;
    const approved = await api().post(`/api/v1/sync/runs/${res.id}/approve`).expect(200);
    expect(approved.body.status).toBe('approved');
    expect((await snapshot()).versions).toBe(before.versions + planned);
    expect(await o3Input()).toBe('0');
    await api().post(`/api/v1/sync/runs/${res.id}/approve`).expect(409);
  });

  it('quarantines a feed that shrank by 90% and marks nothing missing until approved; rejection drops it', async () => {
    const keys = Object.keys(litellmJson).filter((k) => k !== 'sample_spec');
    const shrunk = Object.fromEntries(keys.slice(0, Math.ceil(keys.length / 10)).map((k) => [k, litellmJson[k]]));
    feeds.json('/litellm.json', shrunk);
    const before = await snapshot();
    const res = await run(mainId);
    if (litellm.real) {
      expect(res).toMatchObject({ status: 'quarantined', quarantine_reason: expect.stringMatching(/shrank/) });
      expect(await snapshot()).toEqual(before);
      const missing = await db.query(
        `SELECT count(*)::int AS n FROM sync_source_offerings WHERE missing_since IS NOT NULL`,
      );
      expect(missing[0].n).toBe(0);
      await api().post(`/api/v1/sync/runs/${res.id}/reject`).expect(200);
      await api().post(`/api/v1/sync/runs/${res.id}/approve`).expect(409);
    } else {
      expect(['quarantined', 'succeeded']).toContain(res.status);
    }
  });

  it('validates sources and keeps auth headers sealed', async () => {
    const res = await api()
      .post('/api/v1/sync/sources', {
        name: 'private-feed',
        adapter: 'openrouter',
        url: feeds.url('/or.json'),
        auth_header: { name: 'Authorization', value: 'Bearer top-secret' },
        schedule: '*/15 * * * *',
      })
      .expect(201);
    expect(res.body).toMatchObject({ auth_header_name: 'Authorization', schedule: '*/15 * * * *' });
    expect(JSON.stringify(res.body)).not.toContain('top-secret');
    const [row] = await db.query(`SELECT auth_header_sealed FROM sync_sources WHERE id = $1`, [res.body.id]);
    expect(row.auth_header_sealed).toMatch(/^v1:/);
    expect(row.auth_header_sealed).not.toContain('top-secret');
    let seen = '';
    feeds.routes.set('/or.json', (q, r) => {
      seen = String(q.headers['authorization']);
      r.end(feedFile('openrouter/models.json', 'openrouter-models.json').body);
    });
    const ran = await run(res.body.id, { dry_run: true });
    expect(ran.status).toBe('succeeded');
    expect(seen).toBe('Bearer top-secret');

    await api()
      .post('/api/v1/sync/sources', { name: 'Bad Name', adapter: 'litellm', url: feeds.url('/x') })
      .expect(400);
    await api()
      .post('/api/v1/sync/sources', { name: 'x', adapter: 'csv', url: feeds.url('/x') })
      .expect(400);
    await api().post('/api/v1/sync/sources', { name: 'y', adapter: 'litellm', url: 'ftp://x/y' }).expect(400);
    await api()
      .post('/api/v1/sync/sources', {
        name: 'rules',
        adapter: 'litellm',
        url: feeds.url('/x'),
        id_rules: { providers: { gemini: 'Not A Slug' } },
      })
      .expect(400)
      .expect((r) => expect(r.body.error.message).toContain('id_rules'));
    await api()
      .post('/api/v1/sync/sources', { name: 'z', adapter: 'litellm', url: feeds.url('/x'), schedule: 'every day' })
      .expect(400);
    await api()
      .post('/api/v1/sync/sources', { name: 'litellm-local', adapter: 'litellm', url: feeds.url('/x') })
      .expect(409);
    expect(t.app.get(SyncSourcesService)).toBeDefined();
  });

  it('runs a Hugging Face source through the catalog importer, following Link pages, idempotently', async () => {
    const seed = feedFile('hf/hf-model-tree-seed.json', 'hf-models.json');
    const parsed = JSON.parse(seed.body) as { models?: object[] } | object[];
    const models = (Array.isArray(parsed) ? parsed : (parsed.models ?? [])) as object[];
    const half = Math.ceil(models.length / 2);
    feeds.routes.set('/api/models?page=1', (_q, r) => {
      r.setHeader('link', `<${feeds.url('/api/models?page=2')}>; rel="next"`);
      r.end(JSON.stringify(models.slice(0, half)));
    });
    feeds.json('/api/models?page=2', models.slice(half));
    const { id } = (
      await api()
        .post('/api/v1/sync/sources', {
          name: 'hub-local',
          adapter: 'huggingface',
          url: feeds.url('/api/models?page=1'),
        })
        .expect(201)
    ).body;
    const dry = await run(id, { dry_run: true });
    expect(dry.counts).toMatchObject({ records: models.length });
    const first = await run(id);
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(first.counts.added).toBeGreaterThan(0);
    expect(first.counts.entries).toBe(models.length);
    const second = await run(id);
    expect(second.counts).toMatchObject({ added: 0, changed: 0 });
    expect(second.counts.unchanged).toBe(first.counts.records);
  });

  it('lists where sources disagree, leaves owned offerings to their source, and lets an operator choose the truth', async () => {
    feeds.json('/genai.json', feedFile('genai-prices/data.v2.json', 'genai-prices.json').body);
    const genai = (
      await api()
        .post('/api/v1/sync/sources', { name: 'genai-local', adapter: 'genai-prices', url: feeds.url('/genai.json') })
        .expect(201)
    ).body;
    const first = await run(genai.id);
    expect(first.status).toBe('succeeded');
    expect(first.counts.deferred).toBeGreaterThan(0);
    expect(await o3Input()).toBe('0'); // still litellm-local's (approved) price: genai-local did not take over

    const report = await api()
      .get('/api/v1/sync/reconciliation?provider=openai&min_diff_pct=5&per_page=100')
      .expect(200);
    const o3 = report.body.data.find(
      (d: { provider_model_id: string; service_tier: string }) =>
        d.provider_model_id === 'o3' && d.service_tier === 'standard',
    );
    expect(o3).toMatchObject({ current_source: 'litellm-local', truth_source: null, max_diff_pct: null });
    expect(o3.observations.map((x: { source: string; input: string }) => [x.source, x.input])).toEqual([
      ['genai-local', '2'],
      ['litellm-local', '0'],
    ]);
    // Per unit: the spread between the sources (null percent: one says free), and each source's amounts.
    expect(o3.units.find((u: { unit: string }) => u.unit === 'input')).toEqual({
      unit: 'input',
      min: '0',
      max: '2',
      diff_pct: null,
      sources: 2,
    });
    expect(o3.observations[0]).toMatchObject({
      stale: false,
      stale_reason: null,
      amounts: expect.arrayContaining([{ unit: 'input', amount: '2' }]),
    });
    expect(report.body.meta.sources.find((x: { name: string }) => x.name === 'genai-local')).toMatchObject({
      stale: false,
    });

    await api().put(`/api/v1/sync/truth/openai`, { source_id: genai.id }).expect(204);
    await api().put(`/api/v1/sync/truth/nobody`, { source_id: genai.id }).expect(404);
    expect((await api().get('/api/v1/sync/truth').expect(200)).body.data).toEqual([
      expect.objectContaining({ provider: 'openai', source_name: 'genai-local', chosen_by: 'ops@sync.test' }),
    ]);
    const second = await run(genai.id);
    expect(second.counts.changed).toBeGreaterThan(0);
    expect(await o3Input()).toBe('2');
    const after = await api().get('/api/v1/sync/reconciliation?provider=openai&per_page=100').expect(200);
    const o3After = after.body.data.find(
      (d: { provider_model_id: string; service_tier: string }) =>
        d.provider_model_id === 'o3' && d.service_tier === 'standard',
    );
    expect(o3After).toMatchObject({ current_source: 'genai-local', truth_source: 'genai-local' });
    await request(t.app.getHttpServer())
      .delete('/api/v1/sync/truth/openai')
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
  });

  it('accepts signed pushes once: bad signature or stale timestamp 401, replay acknowledged, good one applied', async () => {
    const { id } = (
      await api()
        .post('/api/v1/sync/sources', {
          name: 'vendor-push',
          adapter: 'openrouter',
          url: 'https://vendor.example/models',
        })
        .expect(201)
    ).body;
    const { secret } = (await api().post(`/api/v1/sync/sources/${id}/webhook-secret`).expect(201)).body;
    expect(secret).toMatch(/^whsec_/);
    const body = JSON.stringify({
      data: [{ id: 'acme/push-model', name: 'Acme Push', pricing: { prompt: '0.0000011', completion: '0.0000022' } }],
    });
    const now = String(Math.floor(Date.now() / 1000));
    const push = (headers: Record<string, string>, payload = body) =>
      request(t.app.getHttpServer())
        .post('/api/v1/webhooks/prices/vendor-push')
        .set('content-type', 'application/json')
        .set(headers)
        .send(payload);
    const good = {
      'x-mph-timestamp': now,
      'x-mph-signature': webhookSignature(secret, now, body),
      'idempotency-key': 'd-1',
    };
    const before = await snapshot();

    await push({ ...good, 'x-mph-signature': webhookSignature('whsec_wrong', now, body) }).expect(401);
    const stale = String(Number(now) - 600);
    await push({ ...good, 'x-mph-timestamp': stale, 'x-mph-signature': webhookSignature(secret, stale, body) })
      .expect(401)
      .expect((r) => expect(r.body.error.message).toMatch(/5 minutes/));
    await push(good, body.replace('0.0000011', '0.0000001')).expect(401);
    await push({ ...good, 'idempotency-key': '' }).expect(400);
    await request(t.app.getHttpServer()).post('/api/v1/webhooks/prices/no-such-source').send({}).expect(404);
    expect(await snapshot()).toEqual(before);

    const applied = await push(good).expect(200);
    expect(applied.body).toMatchObject({ status: 'succeeded', trigger: 'webhook', replayed: false });
    expect(applied.body.counts).toMatchObject({ added: 1, versions_written: 1 });
    const after = await snapshot();
    const replay = await push(good).expect(200);
    expect(replay.body).toMatchObject({ id: applied.body.id, replayed: true });
    // The key is not signed: the same signed delivery under a new key is the same delivery, not a second run.
    const newKey = await push({ ...good, 'idempotency-key': 'd-2-replayed' }).expect(200);
    expect(newKey.body).toMatchObject({ id: applied.body.id, replayed: true });
    expect(await snapshot()).toEqual(after);
    const price = await request(t.app.getHttpServer())
      .get('/api/v1/prices?provider=openrouter&model=acme/push-model')
      .expect(200);
    expect(price.body.data[0].price.components.map((c: { amount: string }) => c.amount)).toEqual(['1.1', '2.2']);
  });

  it('reads file:// sources inside SYNC_FILE_DIR only', async () => {
    const inside = pathToFileURL(join(__dirname, 'fixtures/openrouter-models.json')).toString();
    const source = (
      await api().post('/api/v1/sync/sources', { name: 'mirror-file', adapter: 'openrouter', url: inside }).expect(201)
    ).body;
    const dry = await run(source.id, { dry_run: true });
    expect(dry).toMatchObject({ status: 'succeeded' });
    expect(dry.counts.records).toBeGreaterThan(3);
    for (const url of [
      'file:///etc/passwd',
      pathToFileURL(join(__dirname, 'fixtures/../../package.json')).toString(),
    ]) {
      await api()
        .post('/api/v1/sync/sources', { name: 'escape', adapter: 'litellm', url })
        .expect(400)
        .expect((r) => expect(r.body.error.message).toContain('outside SYNC_FILE_DIR'));
    }
  });

  it('streams a run’s progress to a ticket holder until it is done', async () => {
    feeds.json('/litellm.json', litellm.body);
    const started = await api().post(`/api/v1/sync/sources/${mainId}/run`, { dry_run: true }).expect(202);
    expect(started.body).toMatchObject({ status: 'running', trigger: 'manual', started_by: 'ops@sync.test' });
    const { ticket, url } = (await api().post(`/api/v1/sync/runs/${started.body.id}/stream-ticket`).expect(200)).body;
    expect(url).toContain(encodeURIComponent(ticket));
    const stream = await request(t.app.getHttpServer())
      .get(`/api/v1/sync/runs/${started.body.id}/events?ticket=${encodeURIComponent(ticket)}`)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => done(null, text));
      })
      .expect(200)
      .expect('content-type', /text\/event-stream/);
    const events = String(stream.body)
      .split('\n\n')
      .filter(Boolean)
      .map((e) => ({ type: /event: (\w+)/.exec(e)?.[1], data: JSON.parse(/data: (.*)/.exec(e)?.[1] ?? 'null') }));
    expect(events[events.length - 1]).toMatchObject({ type: 'done', data: { status: 'succeeded', dry_run: true } });
    expect(events.slice(0, -1).every((e) => e.type === 'progress')).toBe(true);
    await request(t.app.getHttpServer())
      .get(`/api/v1/sync/runs/${started.body.id}/events?ticket=${encodeURIComponent(ticket.replace(/.$/, 'x'))}`)
      .expect(401);
    await request(t.app.getHttpServer()).get(`/api/v1/sync/runs/${started.body.id}/events`).expect(401);
  });

  // Last: passport keeps the second instance's strategy (bound to its services) after it closes.
  it('serves a scheduled tick once across two instances, through the core job runner', async () => {
    feeds.json('/litellm.json', litellm.body);
    const second = await createTestApp({
      root,
      database: t.db,
      env: ENV,
    });
    try {
      const tick = new Date('2030-01-01T04:00:00Z');
      const job = `sync-source:${mainId}`;
      // Each instance knows the source's job (the second one read it from the database when it started).
      for (const x of [t, second]) expect(x.app.get(JobRegistry).get(job)?.cron).toBe('0 4 * * *');
      const before = (await db.query(`SELECT count(*)::int AS n FROM sync_runs WHERE source_id = $1`, [mainId]))[0].n;
      const [a, b] = [t.app.get(JobRunnerService), second.app.get(JobRunnerService)];
      const outcomes = await Promise.all([
        a.run(job, { trigger: 'cron', scheduledFor: tick }),
        b.run(job, { trigger: 'cron', scheduledFor: tick }),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'succeeded']);
      expect(await b.run(job, { trigger: 'cron', scheduledFor: tick })).toEqual({
        status: 'skipped',
        reason: 'tick-already-served',
      });
      const after = (await db.query(`SELECT count(*)::int AS n FROM sync_runs WHERE source_id = $1`, [mainId]))[0].n;
      expect(after - before).toBe(1);
      const [served] = await db.query(`SELECT status, counts FROM job_run WHERE job_name = $1`, [job]);
      expect(served).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ succeeded: 1 }) });
      // An operator moves the schedule on one instance: the other follows (change notification, no polling).
      const jobs = second.app.get(JobRegistry);
      const moved = new Promise<void>((resolve) => {
        const off = jobs.onChange((name) => {
          if (name !== job || jobs.get(job)?.cron !== '30 5 * * *') return;
          off();
          resolve();
        });
      });
      await api().patch(`/api/v1/sync/sources/${mainId}`, { schedule: '30 5 * * *' }).expect(200);
      await moved;
      const gone = new Promise<void>((resolve) => {
        const off = jobs.onChange((name) => {
          if (name !== job || jobs.get(job)) return;
          off();
          resolve();
        });
      });
      await api().patch(`/api/v1/sync/sources/${mainId}`, { enabled: false }).expect(200);
      await gone;
      expect(t.app.get(JobRegistry).get(job)).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});
