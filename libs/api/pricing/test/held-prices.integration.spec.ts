import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CatalogModule } from '@mph/api-catalog';
import { CoreModule } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PricingModule } from '../src';
import { FeedServer } from './feed-server';

@Module({})
class Root {}

/** One model served by four providers at about $0.10 per 1M input, and two feed errors far from that. */
const feed = (acmePrice: number) => ({
  'together_ai/acme/rocket-8b': {
    litellm_provider: 'together_ai',
    input_cost_per_token: 1e-7,
    output_cost_per_token: 2e-7,
  },
  'deepinfra/acme/rocket-8b': {
    litellm_provider: 'deepinfra',
    input_cost_per_token: 1e-7,
    output_cost_per_token: 2e-7,
  },
  'novita/acme/rocket-8b': { litellm_provider: 'novita', input_cost_per_token: 1e-7, output_cost_per_token: 2e-7 },
  // 0.1 per token = $100,000 per 1M: a per-token price written where a per-1M one belongs.
  'wandb/acme/rocket-8b': { litellm_provider: 'wandb', input_cost_per_token: 0.1, output_cost_per_token: 2e-7 },
  // 30× the others: a premium provider, or a slip? The operator decides.
  'acme/rocket-8b': { litellm_provider: 'acme', input_cost_per_token: acmePrice, output_cost_per_token: 2e-7 },
});

describe('held prices: the review queue of the sync sanity guards', () => {
  let t: TestApp;
  let db: DataSource;
  let token = '';
  let sourceId = '';
  const feeds = new FeedServer();
  const http = () => request(t.app.getHttpServer());
  const get = (url: string) => http().get(url).set('Authorization', `Bearer ${token}`);
  const post = (url: string, body: object = {}) => http().post(url).set('Authorization', `Bearer ${token}`).send(body);
  const run = async () => (await post(`/api/v1/sync/sources/${sourceId}/run`, { wait: true }).expect(200)).body;

  beforeAll(async () => {
    await feeds.start();
    feeds.json('/litellm.json', JSON.stringify(feed(3e-6)));
    t = await createTestApp({
      root: (o) => ({ module: Root, imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule] }),
      env: {
        SYNC_ALLOWED_HOSTS: '127.0.0.1',
        SYNC_RETRIES: '0',
        CATALOG_DEMO_SEED: 'false',
        JWT_SECRET: 'held-prices-test-secret-held-prices-test-0123',
      },
    });
    db = t.app.get(DataSource);
    const users = t.app.get(UsersService);
    await users.create(SYSTEM_ACTOR, { email: 'ops@held.test', role: 'operator', password: 'operator-password-123' });
    await users.create(SYSTEM_ACTOR, { email: 'member@held.test', role: 'member', password: 'member-password-1234' });
    token = (
      await http().post('/api/v1/auth/login').send({ email: 'ops@held.test', password: 'operator-password-123' })
    ).body.access_token;
    sourceId = (
      await post('/api/v1/sync/sources', {
        name: 'litellm',
        adapter: 'litellm',
        url: feeds.url('/litellm.json'),
      }).expect(201)
    ).body.id;
    const first = await run();
    expect(first).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ held: 2 }) });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await feeds.stop();
  });

  const price = async (provider: string) =>
    (await get(`/api/v1/models/acme/rocket-8b/prices`).expect(200)).body.data.find(
      (d: { offering: { provider: string } }) => d.offering.provider === provider,
    );

  it('lists what is held, with the reason and the slip it looks like; members may not see it', async () => {
    const page = (await get('/api/v1/sync/held').expect(200)).body;
    expect(page.meta.total).toBe(2);
    const byProvider = Object.fromEntries(
      page.data.map((h: { offering: { provider: string } }) => [h.offering.provider, h]),
    );
    expect(byProvider.wandb).toMatchObject({
      model_id: 'acme/rocket-8b',
      source: 'litellm',
      status: 'held',
      unit: 'input',
      amount: '100000',
      reference: '0.1',
      kind: 'median',
      factor: '1000000',
      looks_like: expect.stringMatching(/per-token price stated as per 1M/),
      reason:
        'input 100000 per 1M is ×1000000 the median (0.1) of 4 other offerings of acme/rocket-8b: looks like a per-token price stated as per 1M tokens (×1,000,000).',
    });
    expect(byProvider.wandb.components).toEqual(
      expect.arrayContaining([expect.objectContaining({ unit: 'input', amount: '100000', per: '1M tokens' })]),
    );
    expect(byProvider.acme).toMatchObject({ amount: '3', factor: '30', status: 'held' });
    // Nothing of either was published.
    expect(await price('wandb')).toMatchObject({ price: null });
    const member = (
      await http().post('/api/v1/auth/login').send({ email: 'member@held.test', password: 'member-password-1234' })
    ).body.access_token;
    await http().get('/api/v1/sync/held').set('Authorization', `Bearer ${member}`).expect(403);
    await get('/api/v1/sync/held?status=nope').expect(400);
  });

  it('approving publishes the feed’s price set as given, audited; deciding twice is a 409', async () => {
    const [acme] = (await get('/api/v1/sync/held').expect(200)).body.data.filter(
      (h: { offering: { provider: string } }) => h.offering.provider === 'acme',
    );
    const approved = (
      await post(`/api/v1/sync/held/${acme.id}/approve`, { note: 'Acme is a premium provider' }).expect(200)
    ).body;
    expect(approved).toMatchObject({
      status: 'approved',
      decided_by: 'ops@held.test',
      decision_note: 'Acme is a premium provider',
      version_id: expect.any(String),
    });
    expect((await price('acme')).price).toMatchObject({
      id: approved.version_id,
      source: 'litellm',
      components: expect.arrayContaining([
        expect.objectContaining({ unit: 'input', amount: '3' }),
        expect.objectContaining({ unit: 'output', amount: '0.2' }),
      ]),
    });
    const audit = await db.query(
      `SELECT action, target_type, target_id, after->>'held_price_id' AS held, after->>'note' AS note FROM audit_events
        WHERE action LIKE 'price.held_%'`,
    );
    expect(audit).toEqual([
      {
        action: 'price.held_approved',
        target_type: 'offering',
        target_id: acme.offering.id,
        held: acme.id,
        note: 'Acme is a premium provider',
      },
    ]);
    const again = await post(`/api/v1/sync/held/${acme.id}/reject`).expect(409);
    expect(again.body.error).toMatchObject({ code: 'HELD_PRICE_DECIDED' });
    expect(again.body.error.message).toMatch(/already approved by ops@held.test/);
    await post(`/api/v1/sync/held/00000000-0000-4000-8000-000000000000/approve`).expect(404);
  });

  it('rejecting keeps the slip out; an unchanged re-run neither publishes it nor asks again', async () => {
    const [wandb] = (await get('/api/v1/sync/held').expect(200)).body.data;
    expect(wandb.offering.provider).toBe('wandb');
    await post(`/api/v1/sync/held/${wandb.id}/reject`, { note: 'per-token slip' }).expect(200);
    expect((await get('/api/v1/sync/held').expect(200)).body.meta.total).toBe(0);
    const rerun = await run();
    expect(rerun.counts).toMatchObject({ versions_written: 0 });
    expect((await get('/api/v1/sync/held').expect(200)).body.meta.total).toBe(0);
    expect(await price('wandb')).toMatchObject({ price: null });
    expect((await get('/api/v1/sync/held?status=rejected').expect(200)).body.data).toEqual([
      expect.objectContaining({ id: wandb.id, decided_by: 'ops@held.test', decision_note: 'per-token slip' }),
    ]);
  });

  it('a feed that moves on supersedes what it held; near an approved price is not asked again', async () => {
    // The acme price was approved at 3; a slip from there (500) is held, then superseded when the feed says 3.3,
    // which is published without asking: it is near the offering's own (approved) price, though 33× the median.
    // (Each run still holds wandb's rejected price, without asking again.)
    feeds.json('/litellm.json', JSON.stringify(feed(5e-4)));
    expect((await run()).counts.held).toBe(2);
    const [held] = (await get('/api/v1/sync/held').expect(200)).body.data;
    expect(held).toMatchObject({
      amount: '500',
      status: 'held',
      offering: expect.objectContaining({ provider: 'acme' }),
    });
    feeds.json('/litellm.json', JSON.stringify(feed(3.3e-6)));
    const fixed = await run();
    expect(fixed).toMatchObject({
      status: 'succeeded',
      counts: expect.objectContaining({ held: 1, versions_written: 1 }),
    });
    expect((await get('/api/v1/sync/held').expect(200)).body.meta.total).toBe(0);
    expect((await get('/api/v1/sync/held?status=superseded').expect(200)).body.data).toEqual([
      expect.objectContaining({ id: held.id }),
    ]);
    expect((await price('acme')).price.components).toEqual(
      expect.arrayContaining([expect.objectContaining({ unit: 'input', amount: '3.3' })]),
    );
    await post(`/api/v1/sync/held/${held.id}/approve`).expect(409);
  });
});
