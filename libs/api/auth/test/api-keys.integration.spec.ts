import { TestApp } from '@mph/api-core/testing';
import { DataSource } from 'typeorm';
import { ADMIN, authApp, bearer, expectNoSecrets, http, login, makeUser } from './kit';

describe('API keys', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof makeUser>>;
  let b: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    t = await authApp();
    a = await makeUser(t, 'member', 'alice');
    b = await makeUser(t, 'member', 'bob');
  });
  afterAll(() => t.close());

  const create = (token: string, body: object) => http(t).post('/api/v1/api-keys').set(bearer(token)).send(body);

  it('shows the key once, stores only its hash, and authenticates with Bearer or X-API-Key', async () => {
    const res = await create(a.token, { name: 'ingest', scopes: ['usage:write', 'catalog:read'] }).expect(201);
    expect(res.body.key).toMatch(/^mph_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(res.body.key.startsWith(`mph_${res.body.prefix}_`)).toBe(true);
    expect(res.body).toMatchObject({
      name: 'ingest',
      scopes: ['catalog:read', 'usage:write'],
      user_id: a.id,
      revoked_at: null,
      expires_at: null,
    });
    expectNoSecrets(res.body);
    const secret = res.body.key.split('_').slice(2).join('_');
    const [row] = await t.app.get(DataSource).query(`SELECT secret_hash FROM api_keys WHERE id = $1`, [res.body.id]);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_hash).not.toContain(secret);

    const listed = await http(t).get('/api/v1/api-keys').set(bearer(a.token)).expect(200);
    expect(listed.body.data.map((k: { id: string }) => k.id)).toContain(res.body.id);
    expect(listed.body.data.every((k: { key?: string }) => k.key === undefined)).toBe(true);
    expectNoSecrets(listed.body);

    const viaBearer = await http(t).post('/api/v1/probe/usage').set(bearer(res.body.key)).expect(201);
    expect(viaBearer.body).toEqual({ user: a.email, key: res.body.id });
    await http(t).post('/api/v1/probe/usage').set('X-API-Key', res.body.key).expect(201);
    const me = await http(t).get('/api/v1/auth/me').set('X-API-Key', res.body.key).expect(200);
    expect(me.body.email).toBe(a.email);
    const [used] = await t.app.get(DataSource).query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [res.body.id]);
    expect(used.last_used_at).toBeInstanceOf(Date);
  });

  it('limits a key to routes that accept one of its scopes', async () => {
    const readOnly = (await create(a.token, { name: 'read', scopes: ['catalog:read'] }).expect(201)).body.key;
    const res = await http(t).post('/api/v1/probe/usage').set(bearer(readOnly)).expect(403);
    expect(res.body.error).toMatchObject({ code: 'API_KEY_SCOPE', message: expect.stringContaining('usage:write') });
    const keysRoute = await http(t).get('/api/v1/api-keys').set(bearer(readOnly)).expect(403);
    expect(keysRoute.body.error.message).toBe('API keys cannot call this route; sign in instead.');
  });

  it('rejects revoked, expired, tampered and unknown keys with 401', async () => {
    const created = (await create(a.token, { name: 'temp', scopes: ['usage:write'] }).expect(201)).body;
    await http(t).post('/api/v1/probe/usage').set(bearer(created.key)).expect(201);
    await http(t).delete(`/api/v1/api-keys/${created.id}`).set(bearer(a.token)).expect(204);
    const revoked = await http(t).post('/api/v1/probe/usage').set(bearer(created.key)).expect(401);
    expect(revoked.body.error.message).toBe('The API key is invalid, expired or revoked.');
    await http(t).delete(`/api/v1/api-keys/${created.id}`).set(bearer(a.token)).expect(204);

    const expiring = (
      await create(a.token, {
        name: 'soon',
        scopes: ['usage:write'],
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      }).expect(201)
    ).body;
    await http(t).post('/api/v1/probe/usage').set(bearer(expiring.key)).expect(201);
    // A key for the year 3000 is a typo, not a plan: refused with the range in words.
    const far = await create(a.token, {
      name: 'far',
      scopes: ['usage:write'],
      expires_at: '3000-01-01T00:00:00Z',
    }).expect(400);
    expect(JSON.stringify(far.body.error.details)).toContain('expires_at must be between 2000-01-01 and');
    await t.app
      .get(DataSource)
      .query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.id]);
    await http(t).post('/api/v1/probe/usage').set(bearer(expiring.key)).expect(401);

    const good = (await create(a.token, { name: 'good', scopes: ['usage:write'] }).expect(201)).body.key as string;
    const tampered = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    await http(t).post('/api/v1/probe/usage').set(bearer(tampered)).expect(401);
    await http(t).post('/api/v1/probe/usage').set('X-API-Key', 'mph_nothing').expect(401);
    await create(a.token, { name: 'past', scopes: ['usage:write'], expires_at: '2020-01-01T00:00:00Z' }).expect(400);
  });

  it('stops working when its owner is disabled', async () => {
    const carol = await makeUser(t, 'member', 'carol');
    const key = (await create(carol.token, { name: 'c', scopes: ['usage:write'] }).expect(201)).body.key;
    await t.app.get(DataSource).query(`UPDATE users SET disabled = true WHERE id = $1`, [carol.id]);
    await http(t).post('/api/v1/probe/usage').set(bearer(key)).expect(401);
  });

  it("member A cannot read, list, or revoke member B's keys (404), and lists never include B's rows", async () => {
    const bKey = (await create(b.token, { name: 'bob-key', scopes: ['catalog:read'] }).expect(201)).body;
    const get = await http(t).get(`/api/v1/api-keys/${bKey.id}`).set(bearer(a.token)).expect(404);
    expect(get.body.error).toEqual({ code: 'API_KEY_NOT_FOUND', message: 'API key not found.' });
    await http(t).delete(`/api/v1/api-keys/${bKey.id}`).set(bearer(a.token)).expect(404);
    const aList = await http(t)
      .get('/api/v1/api-keys?include_revoked=true&per_page=100')
      .set(bearer(a.token))
      .expect(200);
    expect(aList.body.data.every((k: { user_id: string }) => k.user_id === a.id)).toBe(true);
    expect(aList.body.data.map((k: { id: string }) => k.id)).not.toContain(bKey.id);
    await http(t).get(`/api/v1/api-keys/${bKey.id}`).set(bearer(b.token)).expect(200);
    const [row] = await t.app.get(DataSource).query(`SELECT revoked_at FROM api_keys WHERE id = $1`, [bKey.id]);
    expect(row.revoked_at).toBeNull();
  });

  it('admins see every key with its owner and may revoke any', async () => {
    const admin = await login(t, ADMIN.email, ADMIN.password);
    const bKey = (await create(b.token, { name: 'bob-2', scopes: ['gateway'] }).expect(201)).body;
    const all = await http(t).get('/api/v1/api-keys?per_page=100').set(bearer(admin.access_token)).expect(200);
    const seen = all.body.data.find((k: { id: string }) => k.id === bKey.id);
    expect(seen).toMatchObject({ user_id: b.id, user_email: b.email });
    await http(t).delete(`/api/v1/api-keys/${bKey.id}`).set(bearer(admin.access_token)).expect(204);
    const audit = await t.app
      .get(DataSource)
      .query(`SELECT actor_label FROM audit_events WHERE action = 'api_key.revoked' AND target_id = $1`, [bKey.id]);
    expect(audit).toEqual([{ actor_label: ADMIN.email }]);
  });

  it('rejects mass assignment and bad input with 400 and writes nothing', async () => {
    const ds = t.app.get(DataSource);
    const count = async () =>
      (
        await ds.query(
          `SELECT (SELECT count(*) FROM api_keys)::int AS k, (SELECT count(*) FROM audit_events)::int AS e`,
        )
      )[0];
    const before = await count();
    for (const body of [
      { name: 'x', scopes: ['catalog:read'], user_id: b.id },
      { name: 'x', scopes: ['catalog:read'], id: '00000000-0000-0000-0000-000000000000' },
      { name: 'x', scopes: ['catalog:read'], secret_hash: 'abc' },
      { name: 'x', scopes: ['catalog:read'], revoked_at: null },
      { name: 'x', scopes: ['admin'] },
      { name: 'x', scopes: [] },
      { name: 'x'.repeat(101), scopes: ['catalog:read'] },
      { name: '', scopes: ['catalog:read'] },
      { scopes: ['catalog:read'] },
      { name: 'x', scopes: 'catalog:read' },
      { name: 'x', scopes: ['catalog:read'], expires_at: 'tomorrow' },
    ]) {
      const res = await create(a.token, body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    await http(t)
      .post('/api/v1/api-keys')
      .set(bearer(a.token))
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    await http(t)
      .post('/api/v1/api-keys')
      .set(bearer(a.token))
      .set('Content-Type', 'text/plain')
      .send('name=x')
      .expect(400);
    await http(t).get('/api/v1/api-keys/not-a-uuid').set(bearer(a.token)).expect(400);
    expect(await count()).toEqual(before);
  });
});
