import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CatalogModule, DemoSeedService } from '@mph/api-catalog';
import { CoreModule } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DemoPricesSeedService, PriceReadService, PricingModule, selectRates, SyncSourcesService } from '../src';
import { DEMO_PRICES } from '../src/lib/seed/demo-prices';
import { parseLitellm } from '../src/lib/sync/adapters/litellm.adapter';
import { parseOpenrouter } from '../src/lib/sync/adapters/openrouter.adapter';

@Module({})
class Root {}

function must<T>(value: T | null): T {
  if (value === null) throw new Error('expected a price version, got null');
  return value;
}

type Who = 'operator' | 'member' | 'anonymous';

describe('pricing (versions, point in time, operator edits)', () => {
  let t: TestApp;
  let db: DataSource;
  const token = {} as Record<'operator' | 'member', string>;
  const offering = {} as Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({
      root: (o) => ({ module: Root, imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule] }),
    });
    db = t.app.get(DataSource);
    await t.app.get(DemoSeedService).seedIfEmpty();
    const written = await t.app.get(DemoPricesSeedService).seedIfEmpty();
    expect(written).toBe(DEMO_PRICES.length);
    expect(await t.app.get(DemoPricesSeedService).seedIfEmpty()).toBe(0);
    for (const role of ['operator', 'member'] as const) {
      await t.app
        .get(UsersService)
        .create(SYSTEM_ACTOR, { email: `${role}@prices.test`, role, password: `${role}-password-123` });
      token[role] = (
        await request(t.app.getHttpServer())
          .post('/api/v1/auth/login')
          .send({ email: `${role}@prices.test`, password: `${role}-password-123` })
      ).body.access_token;
    }
    for (const r of await db.query(`SELECT id, provider_slug, provider_model_id FROM offerings`)) {
      offering[`${r.provider_slug}:${r.provider_model_id}`] = r.id;
    }
  });
  afterAll(() => t.close());

  const as = (who: Who) => {
    const http = request(t.app.getHttpServer());
    const auth = (r: request.Test) => (who === 'anonymous' ? r : r.set('Authorization', `Bearer ${token[who]}`));
    return {
      get: (url: string) => auth(http.get(url)),
      post: (url: string, body: object) => auth(http.post(url)).send(body),
      put: (url: string, body: object) => auth(http.put(url)).send(body),
      delete: (url: string) => auth(http.delete(url)),
    };
  };
  const get = (url: string) => as('anonymous').get(url);
  const amounts = (components: { unit: string; amount: string; prompt_tokens_above: number }[]) =>
    Object.fromEntries(components.filter((c) => c.prompt_tokens_above === 0).map((c) => [c.unit, c.amount]));
  const versionCount = async () => (await db.query(`SELECT count(*)::int AS n FROM price_versions`))[0].n as number;

  it('exports LiteLLM’s cost map, OpenRouter’s models list and CSV that read back to the same prices', async () => {
    const at = '2025-08-01T00:00:00Z';
    const litellm = (await get(`/api/v1/exports/litellm.json?at=${at}`).expect(200)).body;
    expect(litellm['o3']).toMatchObject({
      litellm_provider: 'openai',
      input_cost_per_token: 0.000002,
      output_cost_per_token: 0.000008,
      cache_read_input_token_cost: 5e-7,
      input_cost_per_token_flex: 0.000001,
    });
    expect(litellm['gemini/gemini-2.5-pro']).toMatchObject({
      litellm_provider: 'gemini',
      input_cost_per_token: 0.00000125,
      input_cost_per_token_above_200k_tokens: 0.0000025,
    });
    const reread = parseLitellm(JSON.stringify(litellm));
    expect(reread.invalid).toEqual([]);
    const o3 = reread.records.find((r) => r.provider === 'openai' && r.providerModelId === 'o3');
    expect(o3?.versions.find((v) => v.serviceTier === 'standard')?.components).toEqual(
      expect.arrayContaining([
        { unit: 'input', amount: '2', prompt_tokens_above: 0 },
        { unit: 'output', amount: '8', prompt_tokens_above: 0 },
      ]),
    );
    const october = parseLitellm(
      JSON.stringify((await get('/api/v1/exports/litellm.json?at=2025-10-01T00:00:00Z')).body),
    );
    const sonnet = october.records.find((r) => r.provider === 'anthropic' && r.providerModelId === 'claude-sonnet-4-5');
    expect(sonnet?.versions[0].components).toContainEqual({
      unit: 'cache_write_1h',
      amount: '12',
      prompt_tokens_above: 200000,
    });

    const openrouter = (await get(`/api/v1/exports/openrouter-models.json?at=${at}`).expect(200)).body;
    const parsed = parseOpenrouter(JSON.stringify(openrouter));
    const llama = parsed.records.find((r) => r.providerModelId === 'meta-llama/Llama-3.1-8B-Instruct');
    expect(llama?.versions[0].components).toEqual([
      { unit: 'input', amount: '0.02' },
      { unit: 'output', amount: '0.05' },
    ]);
    expect(openrouter.data.find((d: { id: string }) => d.id === 'openai/o3').pricing).toMatchObject({
      prompt: '0.000002',
      completion: '0.000008',
    });

    const csv = await get(`/api/v1/exports/prices.csv?at=${at}`)
      .expect(200)
      .expect('content-type', /text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'model_id,provider,provider_model_id,service_tier,region,currency,unit,per,amount,prompt_tokens_above,window_start,window_end,effective_from,source',
    );
    expect(lines).toContain('openai/o3,openai,o3,standard,,USD,input,1M tokens,2,0,,,2025-06-10T00:00:00.000Z,demo');
    expect(lines).toContain(
      'deepseek-ai/DeepSeek-R1,deepseek,deepseek-reasoner,standard,,USD,input,1M tokens,0.135,0,16:30:00,00:30:00,2025-01-20T00:00:00.000Z,demo',
    );
  });

  it('answers o3’s price before and after the 2025-06-10 cut', async () => {
    const may = await get('/api/v1/models/openai/o3/prices?at=2025-05-01T00:00:00Z').expect(200);
    expect(may.body.model_id).toBe('openai/o3');
    expect(amounts(may.body.data[0].price.components)).toEqual({ input: '10', output: '40', cache_read: '2.5' });
    const june = await get('/api/v1/models/openai%2Fo3/prices?at=2025-06-10T00:00:00Z').expect(200);
    expect(amounts(june.body.data[0].price.components)).toEqual({ input: '2', output: '8', cache_read: '0.5' });
    expect(june.body.data[0].price).toMatchObject({ effective_from: '2025-06-10T00:00:00.000Z', effective_to: null });
    // Before the first known price: unknown, not free.
    const early = await get('/api/v1/models/openai/o3/prices?at=2024-01-01T00:00:00Z').expect(200);
    expect(early.body.data[0]).toMatchObject({ price: null, input_plus_output: null });
  });

  it('lets the catalog search filter by price and sort cheapest first (unknown prices last), with cursors', async () => {
    const res = await get('/api/v1/models?max_input_price=1&sort=price&per_page=50').expect(200);
    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      'Qwen/Qwen2.5-7B-Instruct',
      'deepseek-ai/DeepSeek-R1',
      'openai/gpt-4o-mini',
      'meta-llama/Llama-3.3-70B-Instruct',
      'google/gemini-2.5-flash',
      'anthropic/claude-haiku-4.5',
    ]);
    // Each row says what the sort used: the cheapest offering now and how many providers sell the model.
    expect(res.body.data[0]).toMatchObject({
      provider_count: 2,
      cheapest: {
        input: '0.02',
        output: '0.05',
        currency: 'USD',
        provider: 'openrouter',
        provider_model_id: 'meta-llama/llama-3.1-8b-instruct',
      },
    });
    const detail = await get('/api/v1/models/meta-llama/Llama-3.1-8B-Instruct').expect(200);
    expect(detail.body).toMatchObject({ provider_count: 2, cheapest: { provider: 'openrouter', input: '0.02' } });
    const both = await get('/api/v1/models?max_input_price=0.5&max_output_price=0.5&sort=price').expect(200);
    expect(both.body.data.map((m: { id: string }) => m.id)).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      'Qwen/Qwen2.5-7B-Instruct',
      'deepseek-ai/DeepSeek-R1',
    ]);
    const first = await get('/api/v1/models?sort=price&per_page=2').expect(200);
    const next = await get(`/api/v1/models?sort=price&per_page=2&cursor=${first.body.meta.next_cursor}`).expect(200);
    expect([...first.body.data, ...next.body.data].map((m: { id: string }) => m.id)).toEqual(
      res.body.data.slice(0, 4).map((m: { id: string }) => m.id),
    );
    await get('/api/v1/models?max_input_price=cheap').expect(400);
  });

  it('lists the latest price changes newest first (first prices are not changes), and the feeds’ freshness', async () => {
    const res = await get('/api/v1/prices/recent-changes?limit=50').expect(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    for (const c of res.body.data) expect(c.previous).not.toBeNull();
    const recorded = res.body.data.map((c: { version: { recorded_at: string } }) => c.version.recorded_at);
    expect([...recorded].sort().reverse()).toEqual(recorded);
    const o3 = res.body.data.find(
      (c: { model_id: string; version: { service_tier: string } }) =>
        c.model_id === 'openai/o3' && c.version.service_tier === 'standard',
    );
    expect(amounts(o3.previous.components)).toMatchObject({ input: '10', output: '40' });
    expect(amounts(o3.version.components)).toMatchObject({ input: '2', output: '8' });
    const one = await get('/api/v1/prices/recent-changes?limit=1').expect(200);
    expect(one.body.data).toHaveLength(1);
    await get('/api/v1/prices/recent-changes?limit=0').expect(400);
    const fresh = await get('/api/v1/prices/freshness').expect(200);
    expect(Array.isArray(fresh.body.data)).toBe(true);
  });

  it('lists a model’s offerings cheapest first, unknown prices last', async () => {
    const res = await get('/api/v1/models/meta-llama/Llama-3.1-8B-Instruct/prices').expect(200);
    const rows = res.body.data.map((d: { offering: { provider: string }; input_plus_output: string | null }) => [
      d.offering.provider,
      d.input_plus_output,
    ]);
    expect(rows).toEqual([
      ['openrouter', '0.07'],
      ['together', '0.36'],
    ]);
    const sonnet = await get('/api/v1/models/anthropic/claude-sonnet-4.5/prices').expect(200);
    const tiers = sonnet.body.data.find((d: { offering: { provider: string } }) => d.offering.provider === 'anthropic');
    expect(tiers.price.components).toContainEqual({
      unit: 'output',
      amount: '22.5',
      per: '1M tokens',
      prompt_tokens_above: 200000,
      window_start: null,
      window_end: null,
    });
  });

  it('answers point-in-time lists by provider, model and service tier', async () => {
    const flex = await get('/api/v1/prices?model=openai/o3&service_tier=flex&at=2025-07-01T00:00:00Z').expect(200);
    expect(flex.body.meta.total).toBe(1);
    expect(amounts(flex.body.data[0].price.components)).toEqual({ input: '1', output: '4', cache_read: '0.25' });
    await get('/api/v1/prices?model=openai/o3&service_tier=flex&at=2025-05-01T00:00:00Z')
      .expect(200)
      .expect((r) => expect(r.body.meta.total).toBe(0));
    const openai = await get('/api/v1/prices?provider=openai&at=2025-07-01T00:00:00Z').expect(200);
    expect(
      openai.body.data.map((d: { offering: { provider_model_id: string } }) => d.offering.provider_model_id),
    ).toEqual(['gpt-4o', 'gpt-4o-mini', 'o3', 'o3']);
    await get('/api/v1/prices?at=yesterday').expect(400);
    await get('/api/v1/prices?model=nobody/nothing').expect(404);
  });

  it('prices Gemini 2.5 Pro tiers and DeepSeek’s off-peak window through the point-in-time service', async () => {
    const read = t.app.get(PriceReadService);
    const at = new Date('2025-08-01T20:00:00Z');
    const gemini = await read.versionAt(offering['google:gemini-2.5-pro'], at);
    expect(selectRates(must(gemini).components, { promptTokens: 200_000, at })).toMatchObject({ input: '1.25' });
    expect(selectRates(must(gemini).components, { promptTokens: 200_001, at })).toMatchObject({
      input: '2.5',
      output: '15',
    });
    const deepseek = await read.versionAt(offering['deepseek:deepseek-reasoner'], at);
    expect(selectRates(must(deepseek).components, { at })).toEqual({
      input: '0.135',
      output: '0.55',
      cache_read: '0.035',
    });
    expect(selectRates(must(deepseek).components, { at: new Date('2025-08-01T10:00:00Z') })).toMatchObject({
      input: '0.55',
    });
    expect(await read.versionAt(offering['openai:o3'], at, { serviceTier: 'priority' })).toBeNull();
  });

  it('shows an offering’s history newest first, each version closed where the next begins', async () => {
    const res = await get(`/api/v1/offerings/${offering['openai:o3']}/prices/history?service_tier=standard`).expect(
      200,
    );
    expect(res.body).toMatchObject({ model_id: 'openai/o3', locked: false });
    expect(
      res.body.data.map((v: { effective_from: string; effective_to: string | null }) => [
        v.effective_from,
        v.effective_to,
      ]),
    ).toEqual([
      ['2025-06-10T00:00:00.000Z', null],
      ['2025-04-16T00:00:00.000Z', '2025-06-10T00:00:00.000Z'],
    ]);
    await get('/api/v1/offerings/not-a-uuid/prices/history').expect(400);
    await get('/api/v1/offerings/00000000-0000-4000-8000-000000000000/prices/history').expect(404);
  });

  it('answers several offerings’ histories in one request, in the order asked, leaving out unknown ids', async () => {
    const o3 = offering['openai:o3'];
    const mini = offering['openai:gpt-4o-mini'];
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await get(
      `/api/v1/prices/histories?offering_ids=${mini},${missing},${o3},${o3}&service_tier=standard`,
    ).expect(200);
    expect(res.body.data.map((h: { offering_id: string }) => h.offering_id)).toEqual([mini, o3]);
    const single = await get(`/api/v1/offerings/${o3}/prices/history?service_tier=standard`).expect(200);
    expect(res.body.data[1]).toEqual(single.body);
    await get('/api/v1/prices/histories?offering_ids=').expect(400);
    const tooMany = Array.from({ length: 21 }, () => o3).join(',');
    const refused = await get(`/api/v1/prices/histories?offering_ids=${tooMany}`).expect(400);
    expect(refused.body.error.message).toContain('1 to 20 offering ids');
  });

  it('lets an operator preview, then save, a future-dated price that takes effect by itself', async () => {
    const id = offering['openai:gpt-4o-mini'];
    const url = `/api/v1/offerings/${id}/prices`;
    const future = new Date(Date.now() + 3600_000);
    future.setUTCMilliseconds(0);
    const body = {
      effective_from: future.toISOString(),
      reason: 'Announced price cut',
      components: [
        { unit: 'input', amount: '0.1' },
        { unit: 'output', amount: '0.4' },
        { unit: 'cache_read', amount: '0.075' },
      ],
    };
    await as('anonymous').post(url, body).expect(401);
    await as('member').post(url, body).expect(403);
    const before = await versionCount();
    const preview = await as('operator')
      .post(url, { ...body, dry_run: true })
      .expect(200);
    expect(preview.body).toMatchObject({ applied: false, version: null, effective_to: null });
    expect(preview.body.changes).toEqual([
      expect.objectContaining({ unit: 'cache_read', change: 'unchanged' }),
      expect.objectContaining({ unit: 'input', before: '0.15', after: '0.1', change: 'changed', ratio: '0.666667' }),
      expect.objectContaining({ unit: 'output', before: '0.6', after: '0.4', change: 'changed' }),
    ]);
    expect(await versionCount()).toBe(before);

    const saved = await as('operator').post(url, body).expect(200);
    expect(saved.body).toMatchObject({ applied: true, effective_from: future.toISOString() });
    expect(saved.body.version).toMatchObject({ source: 'manual', reason: 'Announced price cut', effective_to: null });
    expect(await versionCount()).toBe(before + 1);

    const read = t.app.get(PriceReadService);
    expect(amounts(must(await read.versionAt(id, new Date())).components).input).toBe('0.15');
    expect(amounts(must(await read.versionAt(id, future)).components).input).toBe('0.1');
    const [audit] = await db.query(
      `SELECT actor_label, before, after FROM audit_events WHERE action = 'price.changed' AND target_id = $1`,
      [id],
    );
    expect(audit.actor_label).toBe('operator@prices.test');
    expect(audit.after).toMatchObject({ reason: 'Announced price cut', effective_from: future.toISOString() });
    expect(audit.before.components).toHaveLength(3);

    // The same instant again is a conflict; the same prices are "nothing to save".
    await as('operator')
      .post(url, { ...body, components: [{ unit: 'input', amount: '0.2' }] })
      .expect(409)
      .expect((r) => expect(r.body.error.code).toBe('PRICE_VERSION_EXISTS'));
    await as('operator')
      .post(url, { ...body, effective_from: new Date(future.getTime() + 1000).toISOString() })
      .expect(422)
      .expect((r) => expect(r.body.error.code).toBe('PRICE_UNCHANGED'));
    expect(await versionCount()).toBe(before + 1);
  });

  it('refuses a back-dated edit unless it is a correction, which fits between two versions, audited', async () => {
    const id = offering['openai:o3'];
    const body = {
      effective_from: '2025-05-01T00:00:00Z',
      reason: 'Temporary promotion we missed',
      components: [
        { unit: 'input', amount: '8' },
        { unit: 'output', amount: '32' },
      ],
    };
    const before = await versionCount();
    const refused = await as('operator').post(`/api/v1/offerings/${id}/prices`, body).expect(422);
    expect(refused.body.error.code).toBe('PRICE_BACKDATED');
    expect(refused.body.error.message).toContain('correction: true');
    expect(await versionCount()).toBe(before);
    const bulk = await as('operator')
      .post('/api/v1/prices/bulk', {
        provider: 'openai',
        percent: '5',
        reason: 'Back-dated bulk',
        effective_from: '2025-05-01T00:00:00Z',
      })
      .expect(422);
    expect(bulk.body.error.code).toBe('PRICE_BACKDATED');
    const saved = await as('operator')
      .post(`/api/v1/offerings/${id}/prices`, { ...body, correction: true })
      .expect(200);
    expect(saved.body.effective_to).toBe('2025-06-10T00:00:00.000Z');
    // The answer says which usage to re-price, as a POST /api/v1/costs/reprice body.
    expect(saved.body.reprice).toEqual({
      from: '2025-05-01T00:00:00.000Z',
      to: '2025-06-10T00:00:00.000Z',
      provider: 'openai',
      model: 'o3',
      offering_id: id,
      reason: 'Price correction: Temporary promotion we missed',
    });
    const [audit] = await t.app
      .get(DataSource)
      .query(`SELECT action FROM audit_events WHERE target_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT 1`, [id]);
    expect(audit.action).toBe('price.corrected');
    const history = await get(`/api/v1/offerings/${id}/prices/history?service_tier=standard`).expect(200);
    expect(
      history.body.data.map((v: { effective_from: string; effective_to: string | null }) => [
        v.effective_from.slice(0, 10),
        v.effective_to?.slice(0, 10) ?? null,
      ]),
    ).toEqual([
      ['2025-06-10', null],
      ['2025-05-01', '2025-06-10'],
      ['2025-04-16', '2025-05-01'],
    ]);
  });

  it('rejects bad input with a clear 4xx and writes nothing', async () => {
    const url = `/api/v1/offerings/${offering['openai:gpt-4o']}/prices`;
    const before = await versionCount();
    const bad = [
      { reason: 'x y z', components: [{ unit: 'input', amount: '-1' }] },
      { reason: 'x y z', components: [{ unit: 'input', amount: 1.5 }] },
      { reason: 'x y z', components: [{ unit: 'Input', amount: '1' }] },
      { reason: 'x y z', components: [] },
      { reason: 'x y z', components: [{ unit: 'input', amount: '1', window_start: '10:00' }] },
      { reason: 'x y z', components: [{ unit: 'input', amount: '1', window_start: '25:00', window_end: '10:00' }] },
      { reason: 'x y z', components: [{ unit: 'input', amount: '1' }], service_tier: 'gold' },
      { reason: 'x y z', components: [{ unit: 'input', amount: '1' }], currency: 'usd' },
      { components: [{ unit: 'input', amount: '1' }] },
      {
        reason: 'x y z',
        components: [
          { unit: 'input', amount: '1' },
          { unit: 'input', amount: '2' },
        ],
      },
      // Dates typed by mistake: before any priced model, or centuries ahead.
      { reason: 'x y z', components: [{ unit: 'input', amount: '1' }], effective_from: '1900-01-01T00:00:00Z' },
      { reason: 'x y z', components: [{ unit: 'input', amount: '1' }], effective_from: '9999-01-01T00:00:00Z' },
    ];
    for (const body of bad) {
      const res = await as('operator').post(url, body);
      expect([res.status, body]).toEqual([400, body]);
      expect(res.body.error.code).toBeDefined();
    }
    await as('operator').post('/api/v1/offerings/00000000-0000-4000-8000-000000000000/prices', bad[0]).expect(400);
    await as('operator')
      .post('/api/v1/offerings/00000000-0000-4000-8000-000000000000/prices', {
        reason: 'x y z',
        components: [{ unit: 'input', amount: '1' }],
      })
      .expect(404);
    expect(await versionCount()).toBe(before);
  });

  it('tells an open event stream that prices changed, once per change, without data beyond the kind', async () => {
    const server = t.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const events: string[] = [];
    let seen: () => void = () => undefined;
    const arrived = new Promise<void>((r) => (seen = r));
    const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/events' }, (res) => {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        events.push(...[...chunk.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]));
        if (events.includes('prices')) seen();
      });
    });
    try {
      // The stream is open once its headers arrived: then a price change, here a lock (it changes no amount, so
      // the other tests' prices stay as they expect).
      const id = offering['google:gemini-2.5-pro'];
      await as('operator').put(`/api/v1/offerings/${id}/prices/lock`, { reason: 'live event test' }).expect(200);
      await as('operator').delete(`/api/v1/offerings/${id}/prices/lock`).expect(204);
      await arrived;
      // The lock and the unlock, a moment apart, are gathered into one event.
      expect(events.filter((e) => e === 'prices')).toEqual(['prices']);
      expect(events).not.toContain('sync');
    } finally {
      req.destroy();
    }
  });

  it('locks and unlocks an offering’s prices, audited', async () => {
    const id = offering['anthropic:claude-haiku-4-5'];
    await as('member').put(`/api/v1/offerings/${id}/prices/lock`, {}).expect(403);
    await as('operator').get(`/api/v1/offerings/${id}/prices/lock`).expect(404);
    const lock = await as('operator')
      .put(`/api/v1/offerings/${id}/prices/lock`, { reason: 'Enterprise contract' })
      .expect(200);
    expect(lock.body).toMatchObject({
      offering_id: id,
      locked_by: 'operator@prices.test',
      reason: 'Enterprise contract',
    });
    const prices = await as('operator').get('/api/v1/models/anthropic/claude-haiku-4.5/prices').expect(200);
    expect(prices.body.data[0].locked).toBe(true);
    await as('operator').delete(`/api/v1/offerings/${id}/prices/lock`).expect(204);
    await as('operator').delete(`/api/v1/offerings/${id}/prices/lock`).expect(404);
    const actions = await db.query(
      `SELECT action FROM audit_events WHERE target_id = $1 AND action LIKE 'price.%' ORDER BY occurred_at`,
      [id],
    );
    expect(actions.map((a: { action: string }) => a.action)).toEqual(['price.locked', 'price.unlocked']);
  });

  it('changes a provider’s prices by a percentage, previewed first, exactly', async () => {
    const from = '2026-01-01T00:00:00Z';
    const preview = await as('operator')
      .post('/api/v1/prices/bulk', {
        provider: 'together',
        percent: '-10',
        reason: 'Together price cut',
        effective_from: from,
        correction: true,
        dry_run: true,
      })
      .expect(200);
    expect(preview.body).toMatchObject({ applied: false, skipped_unpriced: 0 });
    expect(preview.body.data).toHaveLength(4);
    const llama = preview.body.data.find(
      (d: { offering: { provider_model_id: string } }) =>
        d.offering.provider_model_id === 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
    );
    expect(llama.changes.map((c: { after: string }) => c.after)).toEqual(['0.162', '0.162']);
    const at = (offeringKey: string) =>
      t.app.get(PriceReadService).versionAt(offering[offeringKey], new Date('2026-02-01T00:00:00Z'));
    expect(amounts(must(await at('together:deepseek-ai/DeepSeek-R1')).components)).toEqual({ input: '3', output: '7' });

    await as('operator')
      .post('/api/v1/prices/bulk', {
        provider: 'together',
        percent: '-10',
        reason: 'Together price cut',
        effective_from: from,
        correction: true,
      })
      .expect(200)
      .expect((r) => expect(r.body.applied).toBe(true));
    expect(amounts(must(await at('together:deepseek-ai/DeepSeek-R1')).components)).toEqual({
      input: '2.7',
      output: '6.3',
    });
    await as('operator')
      .post('/api/v1/prices/bulk', { provider: 'together', percent: '-100', reason: 'oops' })
      .expect(400);
  });

  it('serves a feed of changes, each with the version it replaced, resumable by cursor', async () => {
    const all = await get('/api/v1/prices/changes?since=2000-01-01T00:00:00Z&limit=500').expect(200);
    const total = await versionCount();
    expect(all.body.data).toHaveLength(total);
    expect(all.body.meta.next_cursor).toBeNull();
    const cut = all.body.data.find(
      (d: { offering: { provider_model_id: string }; version: { effective_from: string; service_tier: string } }) =>
        d.offering.provider_model_id === 'o3' &&
        d.version.service_tier === 'standard' &&
        d.version.effective_from.startsWith('2025-06-10'),
    );
    expect(amounts(cut.previous.components)).toMatchObject({ input: '8', output: '32' });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await get(
        `/api/v1/prices/changes?since=2000-01-01T00:00:00Z&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      seen.push(...page.body.data.map((d: { version: { id: string } }) => d.version.id));
      cursor = page.body.meta.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.body.data.map((d: { version: { id: string } }) => d.version.id));
    await get('/api/v1/prices/changes?since=2000-01-01T00:00:00Z&cursor=bm9wZQ').expect(400);
    await get('/api/v1/prices/changes').expect(400);
  });

  it('drops cached public price answers when an operator changes a price', async () => {
    const url = '/api/v1/models/google/gemini-2.5-flash/prices';
    await get(url).expect(200);
    const hit = await get(url).expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    await as('operator')
      .post(`/api/v1/offerings/${offering['google:gemini-2.5-flash']}/prices`, {
        reason: 'New list price',
        components: [
          { unit: 'input', amount: '0.25' },
          { unit: 'output', amount: '2' },
        ],
      })
      .expect(200);
    const fresh = await get(url).expect(200);
    expect(fresh.headers['x-cache']).toBe('MISS');
    expect(amounts(fresh.body.data[0].price.components)).toEqual({ input: '0.25', output: '2' });
  });

  it('registers the five public feeds once on a new install', async () => {
    const sources = t.app.get(SyncSourcesService);
    expect(await sources.registerDefaults()).toBe(5);
    expect(await sources.registerDefaults()).toBe(0);
    const list = await sources.list();
    expect(list.map((s) => [s.name, s.adapter, s.enabled, /^https:\/\//.test(s.url), s.schedule !== null])).toEqual([
      ['genai-prices', 'genai-prices', true, true, true],
      ['huggingface', 'huggingface', true, true, true],
      ['litellm', 'litellm', true, true, true],
      ['models.dev', 'models.dev', true, true, true],
      ['openrouter', 'openrouter', true, true, true],
    ]);
  });

  it('keeps versions from overlapping when two operators save at once', async () => {
    const id = offering['openrouter:openai/gpt-4o'];
    const save = (amount: string, from: string) =>
      as('operator').post(`/api/v1/offerings/${id}/prices`, {
        reason: 'Concurrent edit',
        effective_from: from,
        correction: true,
        components: [
          { unit: 'input', amount },
          { unit: 'output', amount: '10' },
        ],
      });
    const results = await Promise.all([save('2.4', '2026-03-01T00:00:00Z'), save('2.3', '2026-02-01T00:00:00Z')]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const history = await get(`/api/v1/offerings/${id}/prices/history`).expect(200);
    expect(
      history.body.data.map((v: { effective_from: string; effective_to: string | null }) => [
        v.effective_from.slice(0, 10),
        v.effective_to?.slice(0, 10) ?? null,
      ]),
    ).toEqual([
      ['2026-03-01', null],
      ['2026-02-01', '2026-03-01'],
      ['2024-10-02', '2026-02-01'],
    ]);
  });
});
