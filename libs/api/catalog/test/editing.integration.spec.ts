import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CoreModule } from '@mph/api-core';
import { createTestApp, TEST_ENV, TestApp } from '@mph/api-core/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CatalogModule } from '../src';

@Module({})
class Root {}

describe('catalog editing (operators)', () => {
  let t: TestApp;
  const token = {} as Record<'operator' | 'member', string>;

  beforeAll(async () => {
    t = await createTestApp({
      root: (o) => ({ module: Root, imports: [CoreModule.forRoot(o), AuthModule, CatalogModule] }),
    });
    for (const role of ['operator', 'member'] as const) {
      await t.app
        .get(UsersService)
        .create(SYSTEM_ACTOR, { email: `${role}@edit.test`, role, password: `${role}-password-123` });
      token[role] = (
        await request(t.app.getHttpServer())
          .post('/api/v1/auth/login')
          .send({ email: `${role}@edit.test`, password: `${role}-password-123` })
      ).body.access_token;
    }
    expect(TEST_ENV['CATALOG_DEMO_SEED']).toBe('false');
  });
  afterAll(() => t.close());

  const as = (who: 'operator' | 'member' | 'anonymous') => {
    const http = request(t.app.getHttpServer());
    const auth = (r: request.Test) => (who === 'anonymous' ? r : r.set('Authorization', `Bearer ${token[who]}`));
    return {
      post: (url: string, body: object) => auth(http.post(url)).send(body),
      patch: (url: string, body: object) => auth(http.patch(url)).send(body),
      delete: (url: string) => auth(http.delete(url)),
    };
  };
  const audit = (action: string) =>
    t.app
      .get(DataSource)
      .query(`SELECT actor_label, target_id, before, after FROM audit_events WHERE action = $1 ORDER BY occurred_at`, [
        action,
      ]);

  it('lets operators create a vendor, a model and an offering, each audited', async () => {
    await as('anonymous')
      .post('/api/v1/vendors', { slug: 'acme', name: 'Acme', kinds: ['creator'] })
      .expect(401);
    await as('member')
      .post('/api/v1/vendors', { slug: 'acme', name: 'Acme', kinds: ['creator'] })
      .expect(403);
    const vendor = await as('operator')
      .post('/api/v1/vendors', {
        slug: 'acme',
        name: 'Acme AI',
        homepage: 'https://acme.example',
        kinds: ['creator', 'provider'],
      })
      .expect(201);
    expect(vendor.body).toEqual({
      slug: 'acme',
      name: 'Acme AI',
      homepage: 'https://acme.example',
      kinds: ['creator', 'provider'],
      model_count: 0,
      offering_count: 0,
    });
    await as('operator').post('/api/v1/vendors', { slug: 'acme', name: 'Again', kinds: [] }).expect(409);

    const model = await as('operator')
      .post('/api/v1/models', {
        id: 'acme/rocket-1',
        display_name: 'Rocket 1',
        creator_vendor: 'acme',
        context_window: 64000,
        tool_calling: true,
        input_modalities: ['text'],
        aliases: ['rocket-1'],
      })
      .expect(201);
    expect(model.body).toMatchObject({
      id: 'acme/rocket-1',
      author: 'acme',
      display_name: 'Rocket 1',
      context_window: 64000,
      tool_calling: true,
      aliases: ['rocket-1'],
    });
    await as('operator').post('/api/v1/models', { id: 'ACME/Rocket-1', display_name: 'dup' }).expect(409);

    const offering = await as('operator')
      .post('/api/v1/offerings', { model_id: 'acme/rocket-1', provider: 'acme', provider_model_id: 'rocket-1' })
      .expect(201);
    expect(offering.body).toMatchObject({ provider: 'acme', provider_model_id: 'rocket-1', status: 'active' });
    const detail = await request(t.app.getHttpServer()).get('/api/v1/models/acme/rocket-1').expect(200);
    expect(detail.body.offerings).toHaveLength(1);

    expect(await audit('model.created')).toEqual([
      expect.objectContaining({ actor_label: 'operator@edit.test', target_id: 'acme/rocket-1' }),
    ]);
    expect((await audit('offering.created'))[0].after).toMatchObject({
      providerSlug: 'acme',
      providerModelId: 'rocket-1',
    });
  });

  it('edits a model with before/after in the audit log, and validates the fields', async () => {
    // Public reads are served from the response cache until a write drops it.
    await request(t.app.getHttpServer()).get('/api/v1/models/acme/rocket-1').expect(200);
    const cached = await request(t.app.getHttpServer()).get('/api/v1/models/acme/rocket-1').expect(200);
    expect(cached.headers['x-cache']).toBe('HIT');
    expect(cached.headers['cache-control']).toMatch(/^public, max-age=60/);
    // An operator's browser revalidates every time, so it never shows its copy from before its own write.
    const signedIn = await request(t.app.getHttpServer())
      .get('/api/v1/models/acme/rocket-1')
      .set('Authorization', `Bearer ${token.operator}`)
      .expect(200);
    expect(signedIn.headers['cache-control']).toBe('private, no-cache');
    expect(cached.body.context_window).toBe(64000);
    const res = await as('operator')
      .patch('/api/v1/models/acme/rocket-1', { context_window: 128000, deprecation_date: '2027-01-31' })
      .expect(200);
    expect(res.body).toMatchObject({ context_window: 128000, deprecation_date: '2027-01-31' });
    const [event] = await audit('model.updated');
    expect(event.before).toMatchObject({ context_window: 64000, deprecation_date: null });
    expect(event.after).toMatchObject({ context_window: 128000, deprecation_date: '2027-01-31' });
    const fresh = await request(t.app.getHttpServer()).get('/api/v1/models/acme/rocket-1').expect(200);
    expect(fresh.headers['x-cache']).toBe('MISS');
    expect(fresh.body).toMatchObject({ context_window: 128000, deprecation_date: '2027-01-31' });

    for (const body of [
      { context_window: -1 },
      { context_window: 'big' },
      { release_date: '31/01/2025' },
      { id: 'acme/other' },
      { input_modalities: ['smell'] },
      { downloads: 5 },
    ]) {
      const bad = await as('operator').patch('/api/v1/models/acme/rocket-1', body).expect(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
    const unknownVendor = await as('operator')
      .patch('/api/v1/models/acme/rocket-1', { creator_vendor: 'nobody' })
      .expect(422);
    expect(unknownVendor.body.error).toMatchObject({
      code: 'VENDOR_NOT_FOUND',
      details: [{ field: 'creator_vendor', problems: ['unknown vendor'] }],
    });
    await as('operator').patch('/api/v1/models/acme/nothing', { context_window: 1 }).expect(404);
    await as('member').patch('/api/v1/models/acme/rocket-1', { context_window: 1 }).expect(403);
  });

  it('soft-deletes: the model and its offerings disappear from reads but stay in the database', async () => {
    await as('operator').delete('/api/v1/vendors/acme').expect(409);
    await as('operator').delete('/api/v1/models/acme/rocket-1').expect(204);
    await request(t.app.getHttpServer()).get('/api/v1/models/acme/rocket-1').expect(404);
    const [row] = await t.app.get(DataSource).query(`SELECT deleted_at FROM models WHERE id = 'acme/rocket-1'`);
    expect(row.deleted_at).toBeInstanceOf(Date);
    const [{ n }] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM offerings WHERE model_id = 'acme/rocket-1' AND deleted_at IS NULL`);
    expect(n).toBe(0);
    await as('operator').delete('/api/v1/vendors/acme').expect(204);
    await request(t.app.getHttpServer()).get('/api/v1/vendors/acme').expect(404);
    expect(await audit('vendor.deleted')).toHaveLength(1);
  });

  it('edits and retires offerings', async () => {
    await as('operator')
      .post('/api/v1/vendors', { slug: 'beta', name: 'Beta', kinds: ['provider'] })
      .expect(201);
    await as('operator').post('/api/v1/models', { id: 'beta/m', display_name: 'M' }).expect(201);
    const created = (
      await as('operator')
        .post('/api/v1/offerings', { model_id: 'beta/m', provider: 'beta', provider_model_id: 'm-v1' })
        .expect(201)
    ).body;
    await as('operator')
      .post('/api/v1/offerings', { model_id: 'beta/m', provider: 'beta', provider_model_id: 'm-v1' })
      .expect(409);
    await as('operator')
      .post('/api/v1/offerings', { model_id: 'beta/none', provider: 'beta', provider_model_id: 'x' })
      .expect(422);
    const updated = await as('operator')
      .patch(`/api/v1/offerings/${created.id}`, { status: 'deprecated', max_output: 4096 })
      .expect(200);
    expect(updated.body).toMatchObject({ status: 'deprecated', max_output: 4096 });
    await as('operator').patch(`/api/v1/offerings/${created.id}`, { status: 'gone' }).expect(400);
    await as('operator').delete(`/api/v1/offerings/${created.id}`).expect(204);
    await as('operator').delete(`/api/v1/offerings/${created.id}`).expect(404);
    await as('operator').delete('/api/v1/offerings/not-a-uuid').expect(400);
  });
});
