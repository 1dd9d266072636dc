import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CatalogModule, HfImportService } from '@mph/api-catalog';
import { CoreModule } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PricingModule } from '../src';
import { FeedServer } from './feed-server';

@Module({})
class Root {}

/** A LiteLLM-format feed naming one open model under a lab's own spelling, served by two providers. */
const feed = {
  'together_ai/rocketlab/rocket-oss-v1': {
    litellm_provider: 'together_ai',
    input_cost_per_token: 1e-7,
    output_cost_per_token: 2e-7,
  },
  'deepinfra/rocketlab/rocket-oss-v1': {
    litellm_provider: 'deepinfra',
    input_cost_per_token: 1.1e-7,
    output_cost_per_token: 2e-7,
  },
};

describe("operators' identity decisions: merge, split, move, aliases — previewed, audited, kept by syncs", () => {
  let t: TestApp;
  let db: DataSource;
  const token = {} as Record<'operator' | 'member', string>;
  let sourceId = '';
  const feeds = new FeedServer();
  const as = (who: 'operator' | 'member') => {
    const http = request(t.app.getHttpServer());
    return {
      get: (url: string) => http.get(url).set('Authorization', `Bearer ${token[who]}`),
      post: (url: string, body: object = {}) => http.post(url).set('Authorization', `Bearer ${token[who]}`).send(body),
      patch: (url: string, body: object) => http.patch(url).set('Authorization', `Bearer ${token[who]}`).send(body),
    };
  };
  const op = () => as('operator');
  const run = async () => (await op().post(`/api/v1/sync/sources/${sourceId}/run`, { wait: true }).expect(200)).body;
  const offerings = (model: string) =>
    db.query(
      `SELECT provider_slug AS provider, identity_pinned AS pinned, identity->>'basis' AS basis
         FROM offerings WHERE model_id = $1 AND deleted_at IS NULL ORDER BY 1`,
      [model],
    );
  const audit = () =>
    db.query(`SELECT action, target_id, actor_label FROM audit_events WHERE action IN
      ('model.merged', 'model.split', 'offering.moved') ORDER BY occurred_at`);

  beforeAll(async () => {
    await feeds.start();
    feeds.json('/litellm.json', JSON.stringify(feed));
    t = await createTestApp({
      root: (o) => ({ module: Root, imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule] }),
      env: {
        SYNC_ALLOWED_HOSTS: '127.0.0.1',
        SYNC_RETRIES: '0',
        CATALOG_DEMO_SEED: 'false',
        JWT_SECRET: 'identity-decisions-secret-identity-decisions-0',
      },
    });
    db = t.app.get(DataSource);
    for (const role of ['operator', 'member'] as const) {
      await t.app
        .get(UsersService)
        .create(SYSTEM_ACTOR, { email: `${role}@decide.test`, role, password: `${role}-password-123` });
      token[role] = (
        await request(t.app.getHttpServer())
          .post('/api/v1/auth/login')
          .send({ email: `${role}@decide.test`, password: `${role}-password-123` })
      ).body.access_token;
    }
    // The operator knows the model as acme/rocket-oss; the feed creates rocketlab/rocket-oss-v1 for it.
    await op().post('/api/v1/models', { id: 'acme/rocket-oss', display_name: 'Rocket OSS' }).expect(201);
    sourceId = (
      await op()
        .post('/api/v1/sync/sources', { name: 'litellm', adapter: 'litellm', url: feeds.url('/litellm.json') })
        .expect(201)
    ).body.id;
    expect((await run()).counts).toMatchObject({ models_created: 1, offerings_created: 2 });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await feeds.stop();
  });

  it('merge: the preview says what moves and writes nothing; applying it moves, pins, aliases and removes', async () => {
    const url = '/api/v1/models/rocketlab/rocket-oss-v1/merge';
    await as('member').post(url, { into: 'acme/rocket-oss' }).expect(403);
    const preview = (await op().post(url, { into: 'acme/rocket-oss', dry_run: true }).expect(200)).body;
    expect(preview).toMatchObject({
      action: 'merge',
      applied: false,
      from_model: 'rocketlab/rocket-oss-v1',
      to_model: 'acme/rocket-oss',
      aliases_added: ['rocketlab/rocket-oss-v1'],
      removes_model: true,
      summary:
        'Moves 2 offerings to acme/rocket-oss and removes rocketlab/rocket-oss-v1; rocketlab/rocket-oss-v1 becomes its alias.',
    });
    expect(preview.offerings.map((o: { provider: string }) => o.provider)).toEqual(['deepinfra', 'together']);
    expect(await offerings('acme/rocket-oss')).toEqual([]);
    expect(await audit()).toEqual([]);

    const applied = (await op().post(url, { into: 'acme/rocket-oss' }).expect(200)).body;
    expect(applied).toMatchObject({ ...preview, applied: true });
    expect(await offerings('acme/rocket-oss')).toEqual([
      { provider: 'deepinfra', pinned: true, basis: 'operator' },
      { provider: 'together', pinned: true, basis: 'operator' },
    ]);
    // The merged id still answers, as the target.
    expect((await op().get('/api/v1/models/rocketlab/rocket-oss-v1').expect(200)).body.id).toBe('acme/rocket-oss');
    const [merged] = await db.query(`SELECT deleted_at IS NOT NULL AS gone, merged_into FROM models WHERE id = $1`, [
      'rocketlab/rocket-oss-v1',
    ]);
    expect(merged).toEqual({ gone: true, merged_into: 'acme/rocket-oss' });
    expect(await audit()).toEqual([
      { action: 'model.merged', target_id: 'rocketlab/rocket-oss-v1', actor_label: 'operator@decide.test' },
    ]);
  });

  it('the decision survives later syncs, and a new provider under the merged name joins the target', async () => {
    feeds.json(
      '/litellm.json',
      JSON.stringify({
        ...feed,
        'fireworks_ai/rocketlab/rocket-oss-v1': {
          litellm_provider: 'fireworks_ai',
          input_cost_per_token: 1.2e-7,
          output_cost_per_token: 2e-7,
        },
      }),
    );
    const again = await run();
    expect(again.counts.models_created ?? 0).toBe(0);
    expect(again.counts.offerings_moved ?? 0).toBe(0);
    expect((await offerings('acme/rocket-oss')).map((o: { provider: string }) => o.provider)).toEqual([
      'deepinfra',
      'fireworks',
      'together',
    ]);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM models WHERE deleted_at IS NULL`);
    expect(n).toBe(1);
  });

  it('split: offerings go to a new model and stay there; move puts one back; each is audited', async () => {
    const detail = (await op().get('/api/v1/models/acme/rocket-oss').expect(200)).body;
    const fireworks = detail.offerings.find((o: { provider: string }) => o.provider === 'fireworks');
    expect(fireworks).toMatchObject({ identity_basis: 'name', identity_pinned: false });
    expect(detail.offerings.find((o: { provider: string }) => o.provider === 'together')).toMatchObject({
      identity_basis: 'operator',
      identity_pinned: true,
      identity_reason: 'merged from rocketlab/rocket-oss-v1 by operator@decide.test',
    });
    const url = '/api/v1/models/acme/rocket-oss/split';
    const split = (
      await op()
        .post(url, {
          new_model_id: 'acme/rocket-oss-fast',
          display_name: 'Rocket OSS Fast',
          offering_ids: [fireworks.id],
        })
        .expect(200)
    ).body;
    expect(split).toMatchObject({
      applied: true,
      creates_model: true,
      to_model: 'acme/rocket-oss-fast',
      leaves_empty: false,
    });
    expect((await op().get('/api/v1/models/acme/rocket-oss-fast').expect(200)).body).toMatchObject({
      display_name: 'Rocket OSS Fast',
      offerings: [expect.objectContaining({ provider: 'fireworks', identity_pinned: true })],
    });
    // A later sync, whose name rules would put Fireworks back, keeps it where the operator put it.
    expect((await run()).counts.offerings_moved ?? 0).toBe(0);
    expect((await offerings('acme/rocket-oss-fast')).map((o: { provider: string }) => o.provider)).toEqual([
      'fireworks',
    ]);

    const move = (
      await op()
        .post(`/api/v1/offerings/${fireworks.id}/move`, { model_id: 'acme/rocket-oss', dry_run: true })
        .expect(200)
    ).body;
    expect(move).toMatchObject({ applied: false, leaves_empty: true });
    expect(move.summary).toMatch(/acme\/rocket-oss-fast is left without offerings/);
    await op().post(`/api/v1/offerings/${fireworks.id}/move`, { model_id: 'acme/rocket-oss' }).expect(200);
    expect((await offerings('acme/rocket-oss')).length).toBe(3);
    expect((await audit()).map((a: { action: string }) => a.action)).toEqual([
      'model.merged',
      'model.split',
      'offering.moved',
    ]);
  });

  it('a Hugging Face repo imported later adopts the model a feed made for the same weights', async () => {
    feeds.json(
      '/litellm.json',
      JSON.stringify({
        ...feed,
        'novita/acme-ai/widget-7b-instruct': {
          litellm_provider: 'novita',
          input_cost_per_token: 5e-8,
          output_cost_per_token: 1e-7,
        },
      }),
    );
    await run();
    expect(await offerings('acme-ai/widget-7b-instruct')).toEqual([
      { provider: 'novita', pinned: false, basis: 'new' },
    ]);
    const imported = await t.app.get(HfImportService).import(
      (async function* () {
        yield { from: 'test', records: [{ id: 'acme-ai/Widget-7B-Instruct', author: 'acme-ai', downloads: 1200 }] };
      })(),
    );
    expect(imported.counts).toMatchObject({ created: 1, models_adopted: 1 });
    expect(await offerings('acme-ai/Widget-7B-Instruct')).toEqual([
      { provider: 'novita', pinned: false, basis: 'feed' },
    ]);
    expect((await op().get('/api/v1/models/acme-ai/widget-7b-instruct').expect(200)).body.id).toBe(
      'acme-ai/Widget-7B-Instruct',
    );
    // The next sync keeps it there.
    expect((await run()).counts.offerings_moved ?? 0).toBe(0);
    expect((await offerings('acme-ai/Widget-7B-Instruct')).length).toBe(1);
  });

  it('refuses what makes no sense, with the field to fix', async () => {
    const merge = (body: object) => op().post('/api/v1/models/acme/rocket-oss/merge', body);
    expect((await merge({ into: 'acme/rocket-oss' }).expect(422)).body.error.code).toBe('SAME_MODEL');
    expect((await merge({ into: 'nobody/nothing' }).expect(422)).body.error.details).toEqual([
      { field: 'into', problems: ['unknown model'] },
    ]);
    await merge({}).expect(400);
    await op().post('/api/v1/models/nobody/nothing/merge', { into: 'acme/rocket-oss' }).expect(404);
    const other = (await op().get('/api/v1/models/acme/rocket-oss-fast').expect(200)).body;
    expect(other.offerings).toEqual([]);
    const together = (await op().get('/api/v1/models/acme/rocket-oss').expect(200)).body.offerings[0];
    const split = (body: object) => op().post('/api/v1/models/acme/rocket-oss-fast/split', body);
    expect((await split({ new_model_id: 'acme/x', offering_ids: [together.id] }).expect(422)).body.error.code).toBe(
      'OFFERING_NOT_OF_MODEL',
    );
    const taken = await op()
      .post('/api/v1/models/acme/rocket-oss/split', {
        new_model_id: 'rocketlab/rocket-oss-v1',
        offering_ids: [together.id],
      })
      .expect(409);
    expect(taken.body.error.message).toMatch(/already a name of acme\/rocket-oss/);
    await split({ new_model_id: 'not an id', offering_ids: [together.id] }).expect(400);
    // An alias names one model.
    const alias = await op()
      .patch('/api/v1/models/acme/rocket-oss-fast', { aliases: ['rocketlab/rocket-oss-v1'] })
      .expect(422);
    expect(alias.body.error).toMatchObject({
      code: 'ALIAS_TAKEN',
      details: [{ field: 'aliases', problems: ['"rocketlab/rocket-oss-v1" already names acme/rocket-oss'] }],
    });
    await op()
      .patch('/api/v1/models/acme/rocket-oss-fast', { aliases: ['rocket-oss-turbo'] })
      .expect(200);
  });
});
