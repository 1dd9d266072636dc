import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CatalogModule, DemoSeedService } from '@mph/api-catalog';
import { CoreModule, DataChanges } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import { DemoPricesSeedService, PricingModule, PricingReadModel } from '@mph/api-pricing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CostTrackingModule } from '../src';

@Module({})
class Root {}

type Who = 'member' | 'other' | 'operator';

describe('usage ingest and cost reports', () => {
  let t: TestApp;
  let db: DataSource;
  const token = {} as Record<Who, string>;
  let key = '';

  beforeAll(async () => {
    t = await createTestApp({
      root: (o) => ({
        module: Root,
        imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule, CostTrackingModule],
      }),
    });
    db = t.app.get(DataSource);
    await t.app.get(DemoSeedService).seedIfEmpty();
    await t.app.get(DemoPricesSeedService).seedIfEmpty();
    for (const [who, role] of [
      ['member', 'member'],
      ['other', 'member'],
      ['operator', 'operator'],
    ] as const) {
      await t.app
        .get(UsersService)
        .create(SYSTEM_ACTOR, { email: `${who}@usage.test`, role, password: `${who}-password-123` });
      token[who] = (
        await request(t.app.getHttpServer())
          .post('/api/v1/auth/login')
          .send({ email: `${who}@usage.test`, password: `${who}-password-123` })
      ).body.access_token;
    }
    const created = await request(t.app.getHttpServer())
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${token.member}`)
      .send({ name: 'ingest', scopes: ['usage:write', 'usage:read'] })
      .expect(201);
    key = created.body.secret ?? created.body.key;
    // Projects are chat projects (libs/api/chat creates them; this suite runs without chat, so they are inserted).
    for (const name of ['support-bot', 'fx-test']) {
      const [p] = await db.query(
        `INSERT INTO chat_projects (owner_id, name)
         SELECT id, $1 FROM users WHERE email = 'member@usage.test' RETURNING id`,
        [name],
      );
      projectId[name] = p.id;
    }
  });
  const projectId: Record<string, string> = {};
  afterAll(() => t.close());

  const post = (events: object[], auth: { key?: string; token?: string }) => {
    const r = request(t.app.getHttpServer()).post('/api/v1/usage');
    if (auth.key) r.set('X-API-Key', auth.key);
    if (auth.token) r.set('Authorization', `Bearer ${auth.token}`);
    return r.send({ events });
  };
  const get = (url: string, who: Who) =>
    request(t.app.getHttpServer()).get(url).set('Authorization', `Bearer ${token[who]}`);
  const count = async () => (await db.query(`SELECT count(*)::int AS n FROM usage_events`))[0].n as number;

  const sonnet = (k: string, at = '2026-01-15T10:00:00Z') => ({
    idempotency_key: k,
    timestamp: at,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    usage: { input_tokens: 100_000, cache_write_5m_tokens: 10_000, cache_read_tokens: 80_000, output_tokens: 1000 },
    project: 'support-bot',
  });

  it('stores a batch once, priced at each call’s instant; a second delivery is all duplicates', async () => {
    const batch = [
      sonnet('evt-1'),
      sonnet('evt-2', '2026-01-16T10:00:00Z'),
      {
        idempotency_key: 'evt-3',
        timestamp: '2025-05-20T00:00:00Z',
        provider: 'openai',
        model: 'o3',
        usage: { input_tokens: 1000, output_tokens: 1000 },
      },
      {
        idempotency_key: 'evt-4',
        timestamp: '2025-06-20T00:00:00Z',
        provider: 'openai',
        model: 'o3',
        usage: { input_tokens: 1000, output_tokens: 1000 },
      },
    ];
    const first = await post(batch, { key }).expect(200);
    expect(first.body).toMatchObject({ stored: 4, duplicates: 0, rejected: 0 });
    expect(first.body.results.map((r: { total_cost: string }) => r.total_cost)).toEqual([
      '0.1065',
      '0.1065',
      '0.05',
      '0.01',
    ]);
    const again = await post(batch, { key }).expect(200);
    expect(again.body).toMatchObject({ stored: 0, duplicates: 4 });
    expect(await count()).toBe(4);
  });

  it('stores the valid events of a batch with a bad one, and says why the bad one was refused', async () => {
    const res = await post(
      [
        sonnet('evt-5'),
        {
          idempotency_key: 'evt-6',
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          usage: { input_tokens: 5, input_audio_tokens: 10 },
        },
        { idempotency_key: 'evt-7', provider: 'openai', usage: { input_tokens: 5 } },
        sonnet('evt-5'),
        { idempotency_key: 'evt-8', provider: 'openai', model: 'gpt-9', usage: { input_tokens: 5 } },
        // A project name nobody gave this caller is refused, not created.
        { ...sonnet('evt-9'), project: 'someone-elses-project' },
      ],
      { key },
    ).expect(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'stored',
      'rejected',
      'rejected',
      'duplicate',
      'stored',
      'rejected',
    ]);
    expect(res.body.results[5].reason).toMatch(/^project: No project "someone-elses-project" that you may use/);
    expect(res.body.results[1].reason).toContain('exceed input_tokens');
    expect(res.body.results[2].reason).toContain('model: required');
    // An unknown model is still usage that happened: stored unpriced, with the reason, never as free.
    expect(res.body.results[4]).toMatchObject({ status: 'stored', total_cost: null });
    const [row] = await db.query(`SELECT total_cost, cost_error FROM usage_events WHERE idempotency_key = 'evt-8'`);
    expect(row.total_cost).toBeNull();
    expect(row.cost_error).toContain('gpt-9');
  });

  it('needs a usage:write key or a session, and caps batches at 1,000', async () => {
    await post([sonnet('x')], {}).expect(401);
    const readOnly = await request(t.app.getHttpServer())
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${token.member}`)
      .send({ name: 'read', scopes: ['catalog:read'] })
      .expect(201);
    await post([sonnet('x')], { key: readOnly.body.secret ?? readOnly.body.key }).expect(403);
    await post(
      Array.from({ length: 1001 }, (_v, i) => sonnet(`big-${i}`)),
      { token: token.other },
    ).expect(400);
    await post([], { token: token.other }).expect(400);
  });

  it('keeps the daily rollup equal to the events, under concurrent batches', async () => {
    const batches = Array.from({ length: 8 }, (_b, b) =>
      Array.from({ length: 50 }, (_e, i) => ({
        idempotency_key: `load-${b}-${i}`,
        timestamp: `2026-01-${String(10 + (i % 5)).padStart(2, '0')}T0${i % 9}:00:00Z`,
        provider: i % 2 ? 'openai' : 'google',
        model: i % 2 ? 'gpt-4o-mini' : 'gemini-2.5-flash',
        usage: { input_tokens: 1000 + i * 37, output_tokens: 10 + b * 3 },
      })),
    );
    const results = await Promise.all(
      batches.map((events, i) => post(events, { token: i % 2 ? token.other : token.member })),
    );
    expect(results.every((r) => r.status === 200 && r.body.stored === 50)).toBe(true);
    const [direct] = await db.query(
      `SELECT count(*)::int AS events, sum(total_cost)::text AS cost, sum(input_tokens)::text AS input FROM usage_events`,
    );
    const [rolled] = await db.query(
      `SELECT sum(events)::int AS events, sum(cost)::text AS cost, sum(input_tokens)::text AS input FROM usage_daily`,
    );
    expect(rolled).toEqual(direct);
  });

  it('reports spend by day × model from the rollup; members see only their own', async () => {
    const mine = await get('/api/v1/costs/summary?from=2026-01-15&to=2026-01-16&group_by=day,model', 'member').expect(
      200,
    );
    expect(mine.body.data).toEqual([
      expect.objectContaining({
        day: '2026-01-15',
        model: 'anthropic/claude-sonnet-4.5',
        cost: '0.213',
        events: 2,
        currency: 'USD',
      }),
      expect.objectContaining({ day: '2026-01-16', model: 'anthropic/claude-sonnet-4.5', cost: '0.1065', events: 1 }),
    ]);
    const other = await get('/api/v1/costs/summary?from=2026-01-15&to=2026-01-16&group_by=day,model', 'other').expect(
      200,
    );
    expect(other.body.data).toEqual([]);
    const everyone = await get(
      '/api/v1/costs/summary?from=2026-01-01&to=2026-01-31&group_by=user&top=5',
      'operator',
    ).expect(200);
    expect(everyone.body.data.map((r: { user: string }) => r.user).sort()).toEqual([
      'member@usage.test',
      'other@usage.test',
    ]);
    const byProject = await get(
      '/api/v1/costs/summary?from=2026-01-01&to=2026-01-31&group_by=project',
      'member',
    ).expect(200);
    expect(byProject.body.data.find((r: { project_name: string }) => r.project_name === 'support-bot')).toMatchObject({
      project: projectId['support-bot'],
      cost: '0.3195',
    });
    await get('/api/v1/costs/summary?from=2026-01-01&to=2026-01-31&group_by=color', 'member').expect(400);
    await get('/api/v1/costs/summary?from=yesterday&to=2026-01-31', 'member').expect(400);
  });

  it('re-prices a window after a price correction: originals kept, adjustments written, rollup moved, audited', async () => {
    // An event before o3 had any known price is stored unpriced.
    const early = await post(
      [
        {
          idempotency_key: 'early-o3',
          timestamp: '2025-01-10T00:00:00Z',
          provider: 'openai',
          model: 'o3',
          usage: { input_tokens: 1000, output_tokens: 1000 },
        },
      ],
      { key },
    ).expect(200);
    expect(early.body.results[0]).toMatchObject({ status: 'stored', total_cost: null });
    const [o3] = await db.query(`SELECT id FROM offerings WHERE provider_slug = 'openai' AND provider_model_id = 'o3'`);
    const operator = (path: string, body: object) =>
      request(t.app.getHttpServer()).post(path).set('Authorization', `Bearer ${token.operator}`).send(body);
    // The vendor says May 2025 was $8/$32, and o3 cost $12/$48 before April.
    await operator(`/api/v1/offerings/${o3.id}/prices`, {
      effective_from: '2025-05-01T00:00:00Z',
      correction: true,
      reason: 'May promotion we missed',
      components: [
        { unit: 'input', amount: '8' },
        { unit: 'output', amount: '32' },
      ],
    }).expect(200);
    await operator(`/api/v1/offerings/${o3.id}/prices`, {
      effective_from: '2025-01-01T00:00:00Z',
      correction: true,
      reason: 'Launch price',
      components: [
        { unit: 'input', amount: '12' },
        { unit: 'output', amount: '48' },
      ],
    }).expect(200);
    const body = {
      from: '2025-01-01T00:00:00Z',
      to: '2025-07-01T00:00:00Z',
      model: 'openai/o3',
      reason: 'Vendor corrected o3 prices',
    };
    const dry = await operator('/api/v1/costs/reprice', { ...body, dry_run: true }).expect(200);
    expect(dry.body).toMatchObject({
      dry_run: true,
      run_id: null,
      events: 3,
      adjusted: 2,
      newly_priced: 1,
      total_delta: '0.05',
    });
    // The preview names what moves: per currency, per model, and call by call, largest change first.
    expect(dry.body.totals).toEqual([{ currency: 'USD', adjusted: 2, delta: '0.05' }]);
    expect(dry.body.by_model).toEqual([
      { provider: 'openai', model: 'openai/o3', adjusted: 2, delta: '0.05', currency: 'USD' },
    ]);
    expect(dry.body.largest.map((c: { old_cost: string | null; new_cost: string; delta: string }) => c)).toEqual([
      expect.objectContaining({ old_cost: null, new_cost: '0.06', delta: '0.06', model: 'openai/o3' }),
      expect.objectContaining({ old_cost: '0.05', new_cost: '0.04', delta: '-0.01', provider: 'openai' }),
    ]);
    expect(dry.body.largest[1].occurred_at).toMatch(/^2025-05-20T/);
    // The offering filter finds the same calls whatever model spelling they were sent with; another offering, none.
    const [{ offering_id: o3Offering }] = await db.query(
      `SELECT offering_id FROM usage_events WHERE idempotency_key = 'evt-3'`,
    );
    const byOffering = await operator('/api/v1/costs/reprice', {
      from: body.from,
      to: body.to,
      offering_id: o3Offering,
      reason: body.reason,
      dry_run: true,
    }).expect(200);
    expect(byOffering.body).toMatchObject({ adjusted: 2, total_delta: '0.05' });
    const other = await operator('/api/v1/costs/reprice', {
      ...body,
      offering_id: '00000000-0000-4000-8000-000000000000',
      dry_run: true,
    }).expect(200);
    expect(other.body).toMatchObject({ events: 0, adjusted: 0 });
    await request(t.app.getHttpServer())
      .post('/api/v1/costs/reprice')
      .set('Authorization', `Bearer ${token.member}`)
      .send(body)
      .expect(403);
    const before = (
      await get('/api/v1/costs/summary?from=2025-01-01&to=2025-06-30&group_by=model', 'member').expect(200)
    ).body;
    expect(before.meta.totals.cost).toBe('0.06');
    const run = await operator('/api/v1/costs/reprice', body).expect(200);
    expect(run.body).toMatchObject({ dry_run: false, adjusted: 2, newly_priced: 1, total_delta: '0.05' });
    // evt-3 (May 20): $0.05 at $10/$40 → $0.04 at $8/$32; early-o3 (January): unpriced → $0.06.
    const rows = await db.query(
      `SELECT e.idempotency_key, e.total_cost::text, a.delta::text FROM usage_adjustments a JOIN usage_events e ON e.id = a.event_id ORDER BY e.idempotency_key`,
    );
    expect(rows).toEqual([
      { idempotency_key: 'early-o3', total_cost: null, delta: '0.06' },
      { idempotency_key: 'evt-3', total_cost: '0.05', delta: '-0.01' },
    ]);
    const after = (
      await get('/api/v1/costs/summary?from=2025-01-01&to=2025-06-30&group_by=model', 'member').expect(200)
    ).body;
    expect(after.meta.totals.cost).toBe('0.11');
    const again = await operator('/api/v1/costs/reprice', body).expect(200);
    expect(again.body).toMatchObject({ adjusted: 0, total_delta: '0' });
    const [audit] = await db.query(
      `SELECT after->>'total_delta' AS delta FROM audit_events WHERE action = 'costs.repriced' ORDER BY occurred_at LIMIT 1`,
    );
    expect(audit.delta).toBe('0.05');
    await operator('/api/v1/costs/reprice', { ...body, to: '2024-01-01T00:00:00Z' }).expect(400);
  });

  it('exports the summary and the events as CSV', async () => {
    const summary = await get('/api/v1/costs/summary.csv?from=2026-01-15&to=2026-01-16&group_by=day,model', 'member')
      .expect(200)
      .expect('content-type', /text\/csv/);
    expect(summary.text.split('\r\n')).toEqual([
      'day,model,currency,cost,cost_usd,events,unpriced_events,unconverted_events,input_tokens,output_tokens',
      '2026-01-15,anthropic/claude-sonnet-4.5,USD,0.213,0.213,2,0,0,200000,2000',
      '2026-01-16,anthropic/claude-sonnet-4.5,USD,0.1065,0.1065,1,0,0,100000,1000',
      '',
    ]);
    const events = await get('/api/v1/costs/events.csv', 'member')
      .expect(200)
      .expect('content-type', /text\/csv/);
    const lines = events.text.trim().split('\r\n');
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM usage_events e JOIN users u ON u.id = e.user_id WHERE u.email = 'member@usage.test'`,
    );
    expect(lines).toHaveLength(n + 1);
    expect(lines[0]).toBe(
      'id,occurred_at,idempotency_key,provider,model,resolved_model,service_tier,region,project,project_name,user_email,status,total_cost,currency,fx_rate,cost_error,usage',
    );
    expect(
      lines.some((l) =>
        l.includes(
          `,evt-1,anthropic,claude-sonnet-4-5-20250929,anthropic/claude-sonnet-4.5,standard,,${projectId['support-bot']},support-bot,member@usage.test,success,0.1065,USD,1,,`,
        ),
      ),
    ).toBe(true);
  });

  it('lists events newest first with keyset paging, members only their own', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await get(
        `/api/v1/costs/events?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        'member',
      ).expect(200);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      expect(page.body.data.every((e: { user_email: string }) => e.user_email === 'member@usage.test')).toBe(true);
      cursor = page.body.meta.next_cursor;
    } while (cursor);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM usage_events e JOIN users u ON u.id = e.user_id WHERE u.email = 'member@usage.test'`,
    );
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
    const evt = await get('/api/v1/costs/events?model=o3&limit=5', 'member').expect(200);
    expect(evt.body.data[0]).toMatchObject({ provider: 'openai', resolved_model: 'openai/o3', total_cost: '0.01' });
  });

  it('keeps every field of an event as sent, with the usage totals, the frozen breakdown and the key that sent it', async () => {
    const res = await post(
      [
        {
          ...sonnet('evt-fields'),
          session_id: 'chat-42',
          latency_ms: 1234,
          ttft_ms: 210,
          status: 'partial',
          error_class: 'upstream_disconnect',
        },
      ],
      { key },
    ).expect(200);
    expect(res.body.results[0]).toMatchObject({ status: 'stored', total_cost: '0.1065', currency: 'USD' });
    const [row] = await db.query(
      `SELECT e.project, e.session_id, e.latency_ms, e.ttft_ms, e.status, e.error_class, e.service_tier, e.region,
              e.provider, e.model, e.resolved_model, e.input_tokens::int, e.output_tokens::int, e.usage, e.breakdown,
              e.total_cost::text, e.currency, e.fx_rate::text, e.cost_error, e.offering_id IS NOT NULL AS has_offering,
              e.price_version_id IS NOT NULL AS has_version, k.name AS key_name
         FROM usage_events e JOIN api_keys k ON k.id = e.api_key_id WHERE e.idempotency_key = 'evt-fields'`,
    );
    expect(row).toEqual({
      project: projectId['support-bot'],
      session_id: 'chat-42',
      latency_ms: 1234,
      ttft_ms: 210,
      status: 'partial',
      error_class: 'upstream_disconnect',
      service_tier: 'standard',
      region: '',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      resolved_model: 'anthropic/claude-sonnet-4.5',
      input_tokens: 100_000,
      output_tokens: 1000,
      usage: { input_tokens: 100_000, cache_write_5m_tokens: 10_000, cache_read_tokens: 80_000, output_tokens: 1000 },
      breakdown: expect.objectContaining({ cache_read: expect.any(String), output: expect.any(String) }),
      total_cost: '0.1065',
      currency: 'USD',
      fx_rate: '1',
      cost_error: null,
      has_offering: true,
      has_version: true,
      key_name: 'ingest',
    });

    // Through the API: the event names its key; operators filter by key, user and status.
    const listed = await get('/api/v1/costs/events?status=partial', 'operator').expect(200);
    const evt = listed.body.data.find((e: { idempotency_key: string }) => e.idempotency_key === 'evt-fields');
    expect(evt).toMatchObject({
      api_key_name: 'ingest',
      latency_ms: 1234,
      ttft_ms: 210,
      status: 'partial',
      user_email: 'member@usage.test',
    });
    expect(listed.body.data.every((e: { status: string }) => e.status === 'partial')).toBe(true);
    const byKey = await get(`/api/v1/costs/events?api_key=${evt.api_key_id}&limit=500`, 'operator').expect(200);
    expect(byKey.body.data.length).toBeGreaterThan(0);
    expect(byKey.body.data.every((e: { api_key_name: string }) => e.api_key_name === 'ingest')).toBe(true);
    const byUser = await get('/api/v1/costs/events?user=MEMBER@usage.test&limit=500', 'operator').expect(200);
    expect(byUser.body.data.every((e: { user_email: string }) => e.user_email === 'member@usage.test')).toBe(true);
    expect(byUser.body.data.length).toBeGreaterThanOrEqual(byKey.body.data.length);
    const nobody = await get('/api/v1/costs/events?user=nobody@usage.test', 'operator').expect(200);
    expect(nobody.body.data).toEqual([]);
    await get('/api/v1/costs/events?status=weird', 'operator').expect(400);
    await get('/api/v1/costs/events?api_key=not-a-key', 'operator').expect(400);
    // Spend by key names the key.
    const top = await get('/api/v1/costs/summary?group_by=api_key&from=2026-01-01&to=2026-01-31', 'operator').expect(
      200,
    );
    expect(top.body.data.find((r: { api_key_name: string | null }) => r.api_key_name === 'ingest')).toBeTruthy();
  });

  it('prices new events at a price correction as soon as it commits (the in-memory price cache hears of it)', async () => {
    const o3 = (at: string, k: string) => ({
      idempotency_key: k,
      timestamp: at,
      provider: 'openai',
      model: 'o3',
      usage: { input_tokens: 1000, output_tokens: 1000 },
    });
    const before = await post([o3('2025-09-20T00:00:00Z', 'cache-1')], { key }).expect(200);
    const cache = t.app.get(PricingReadModel);
    const hits = cache.hits;
    const again = await post([o3('2025-09-20T01:00:00Z', 'cache-2')], { key }).expect(200);
    expect(again.body.results[0].total_cost).toBe(before.body.results[0].total_cost);
    expect(cache.hits).toBe(hits + 2); // match + price, both from memory
    const [offering] = await db.query(
      `SELECT id FROM offerings WHERE provider_slug = 'openai' AND provider_model_id = 'o3'`,
    );
    const heard = new Promise<void>((resolve) => {
      const off = t.app.get(DataChanges).subscribe((table) => {
        if (table === 'price_versions') {
          off();
          resolve();
        }
      });
    });
    await request(t.app.getHttpServer())
      .post(`/api/v1/offerings/${offering.id}/prices`)
      .set('Authorization', `Bearer ${token.operator}`)
      .send({
        effective_from: '2025-09-01T00:00:00Z',
        correction: true,
        reason: 'September price cut',
        components: [
          { unit: 'input', amount: '1' },
          { unit: 'output', amount: '4' },
        ],
      })
      .expect(200);
    await heard;
    const after = await post([o3('2025-09-20T02:00:00Z', 'cache-3')], { key }).expect(200);
    expect(after.body.results[0].total_cost).toBe('0.005');
  });

  it('converts other currencies at the rate of each usage date: stored on the event, summed in USD', async () => {
    const operator = (method: 'put' | 'post', path: string, body: object, who: Who = 'operator') =>
      request(t.app.getHttpServer())[method](path).set('Authorization', `Bearer ${token[who]}`).send(body);
    // Bad rates are refused, whole; members cannot set rates.
    for (const bad of [
      { currency: 'USD', date: '2026-02-10', usd_per_unit: '1' },
      { currency: 'EUR', date: '2999-01-01', usd_per_unit: '1.1' },
      { currency: 'EUR', date: '2026-02-30', usd_per_unit: '1.1' },
      { currency: 'EUR', date: '2026-02-10', usd_per_unit: '0' },
      { currency: 'eur', date: '2026-02-10', usd_per_unit: '1.1' },
    ]) {
      const res = await operator('put', '/api/v1/fx-rates', { rates: [bad] }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    await operator(
      'put',
      '/api/v1/fx-rates',
      { rates: [{ currency: 'EUR', date: '2026-02-10', usd_per_unit: '1.1' }] },
      'member',
    ).expect(403);
    expect((await db.query(`SELECT count(*)::int AS n FROM fx_rates`))[0].n).toBe(0);
    await operator('put', '/api/v1/fx-rates', {
      source: 'ECB reference rates',
      rates: [
        { currency: 'EUR', date: '2026-02-09', usd_per_unit: '1.05' },
        { currency: 'EUR', date: '2026-02-10', usd_per_unit: '1.1' },
      ],
    }).expect(200, { stored: 2 });
    const listed = await get('/api/v1/fx-rates?currency=EUR', 'member').expect(200);
    expect(listed.body.data.map((r: { date: string; usd_per_unit: string }) => [r.date, r.usd_per_unit])).toEqual([
      ['2026-02-10', '1.1'],
      ['2026-02-09', '1.05'],
    ]);

    // gpt-4o-mini priced in euros from February: €1 per 1M input tokens.
    const [mini] = await db.query(
      `SELECT id FROM offerings WHERE provider_slug = 'openai' AND provider_model_id = 'gpt-4o-mini'`,
    );
    const heard = new Promise<void>((resolve) => {
      const off = t.app.get(DataChanges).subscribe((table) => table === 'price_versions' && (off(), resolve()));
    });
    await operator('post', `/api/v1/offerings/${mini.id}/prices`, {
      effective_from: '2026-02-01T00:00:00Z',
      correction: true,
      currency: 'EUR',
      reason: 'Billed in euros',
      components: [
        { unit: 'input', amount: '1' },
        { unit: 'output', amount: '2' },
      ],
    }).expect(200);
    await heard;
    const eur = (k: string, at: string, extra: object = {}) => ({
      idempotency_key: k,
      timestamp: at,
      provider: 'openai',
      model: 'gpt-4o-mini',
      project: 'fx-test',
      usage: { input_tokens: 1_000_000 },
      ...extra,
    });
    const res = await post(
      [
        eur('fx-1', '2026-02-12T09:00:00Z'), // the 10th's rate (latest on or before, within a week)
        eur('fx-2', '2026-02-25T09:00:00Z'), // no rate within a week: USD value unknown
        eur('fx-3', '2026-02-26T09:00:00Z', { fx_rate: '1.2' }), // the client's own rate
      ],
      { key },
    ).expect(200);
    expect(res.body.results.map((r: { total_cost: string; currency: string }) => [r.total_cost, r.currency])).toEqual([
      ['1', 'EUR'],
      ['1', 'EUR'],
      ['1', 'EUR'],
    ]);
    const rates = await db.query(
      `SELECT idempotency_key, fx_rate::text FROM usage_events WHERE project = $1 ORDER BY idempotency_key`,
      [projectId['fx-test']],
    );
    expect(rates.map((r: { fx_rate: string | null }) => r.fx_rate)).toEqual(['1.1', null, '1.2']);

    const summary = await get(
      '/api/v1/costs/summary?from=2026-02-01&to=2026-02-28&group_by=model&project=fx-test',
      'member',
    ).expect(200);
    expect(summary.body.data).toEqual([
      expect.objectContaining({ currency: 'EUR', cost: '3', cost_usd: '2.3', events: 3, unconverted_events: 1 }),
    ]);
    expect(summary.body.meta.totals).toEqual({
      cost: '2.3',
      currency: 'USD',
      events: 3,
      unpriced_events: 0,
      unconverted_events: 1,
    });
    const events = await get('/api/v1/costs/events?project=fx-test', 'member').expect(200);
    expect(events.body.data.map((e: { fx_rate: string | null }) => e.fx_rate)).toEqual(['1.2', null, '1.1']);
  });
});
