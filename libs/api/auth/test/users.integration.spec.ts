import { TestApp } from '@mph/api-core/testing';
import { DataSource } from 'typeorm';
import { ADMIN, authApp, bearer, expectNoSecrets, http, login, makeUser } from './kit';

describe('users (admin) and the audit log', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await authApp();
    admin = (await login(t, ADMIN.email, ADMIN.password)).access_token;
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (url: string) => http(t).get(url).set(bearer(token)),
    post: (url: string, body?: object) =>
      http(t)
        .post(url)
        .set(bearer(token))
        .send(body ?? {}),
    patch: (url: string, body: object) => http(t).patch(url).set(bearer(token)).send(body),
  });

  it('creates a user with a generated password shown once, and refuses a duplicate email (any case)', async () => {
    const res = await as(admin)
      .post('/api/v1/users', { email: 'Dana@Test.local', role: 'operator', display_name: 'Dana' })
      .expect(201);
    expect(res.body).toMatchObject({
      email: 'Dana@Test.local',
      role: 'operator',
      display_name: 'Dana',
      disabled: false,
      last_login_at: null,
    });
    expect(res.body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expectNoSecrets(res.body);
    await login(t, 'dana@test.local', res.body.password);
    const again = await as(admin).post('/api/v1/users', { email: 'DANA@test.local', role: 'member' }).expect(409);
    expect(again.body.error.code).toBe('EMAIL_TAKEN');
    const fetched = await as(admin).get(`/api/v1/users/${res.body.id}`).expect(200);
    expect(fetched.body.password).toBeUndefined();
  });

  it('lists users with search, role filter and paging, without secrets', async () => {
    await makeUser(t, 'member', 'listme');
    const res = await as(admin).get('/api/v1/users?q=listme&per_page=5').expect(200);
    expect(res.body.meta).toEqual({ page: 1, per_page: 5, total: 1 });
    expect(res.body.data[0].email).toBe('listme@test.local');
    const admins = await as(admin).get('/api/v1/users?role=admin').expect(200);
    expect(admins.body.data.map((u: { email: string }) => u.email)).toEqual([ADMIN.email]);
    expectNoSecrets(admins.body);
    await as(admin).get('/api/v1/users?q=%25').expect(200);
  });

  it('changes role, disables (ending sessions), and audits before/after in the same transaction', async () => {
    const user = await makeUser(t, 'member', 'erin');
    const promoted = await as(admin).patch(`/api/v1/users/${user.id}`, { role: 'operator' }).expect(200);
    expect(promoted.body.role).toBe('operator');
    await http(t).get('/api/v1/probe/operators').set(bearer(user.token)).expect(200);
    await as(admin).patch(`/api/v1/users/${user.id}`, { disabled: true }).expect(200);
    await http(t).get('/api/v1/probe/signed-in').set(bearer(user.token)).expect(401);
    const audit = await as(admin)
      .get(`/api/v1/audit?target_type=user&target_id=${user.id}&action=user.updated`)
      .expect(200);
    expect(audit.body.data.map((e: { before: object; after: object }) => [e.before, e.after])).toEqual([
      [
        { email: user.email, display_name: 'erin', role: 'operator', disabled: false },
        { email: user.email, display_name: 'erin', role: 'operator', disabled: true },
      ],
      [
        { email: user.email, display_name: 'erin', role: 'member', disabled: false },
        { email: user.email, display_name: 'erin', role: 'operator', disabled: false },
      ],
    ]);
    expect(audit.body.data[0]).toMatchObject({
      actor_label: ADMIN.email,
      request_id: expect.any(String),
      ip: expect.stringContaining('127.0.0.1'),
    });
  });

  it('will not demote or disable the last active admin', async () => {
    const [{ id }] = await t.app.get(DataSource).query(`SELECT id FROM users WHERE email = $1`, [ADMIN.email]);
    const res = await as(admin).patch(`/api/v1/users/${id}`, { role: 'member' }).expect(409);
    expect(res.body.error.code).toBe('LAST_ADMIN');
    await as(admin).patch(`/api/v1/users/${id}`, { disabled: true }).expect(409);
  });

  it('will not let an admin disable their own account, even with another admin', async () => {
    const other = await makeUser(t, 'admin', 'second-admin');
    const res = await http(t)
      .patch(`/api/v1/users/${other.id}`)
      .set(bearer(other.token))
      .send({ disabled: true })
      .expect(409);
    expect(res.body.error).toMatchObject({
      code: 'CANNOT_DISABLE_SELF',
      message: expect.stringContaining('another admin'),
    });
    const [{ disabled }] = await t.app.get(DataSource).query(`SELECT disabled FROM users WHERE id = $1`, [other.id]);
    expect(disabled).toBe(false);
  });

  it('resets a password: a new one shown once, old sessions and password dead', async () => {
    const user = await makeUser(t, 'member', 'frank');
    const res = await as(admin).post(`/api/v1/users/${user.id}/reset-password`).expect(200);
    expect(res.body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await http(t).get('/api/v1/probe/signed-in').set(bearer(user.token)).expect(401);
    await http(t).post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
    await login(t, user.email, res.body.password);
    await as(admin).post('/api/v1/users/00000000-0000-0000-0000-000000000000/reset-password').expect(404);
  });

  it('rejects mass assignment and bad input on user routes with 400, writing nothing', async () => {
    const user = await makeUser(t, 'member', 'gina');
    const ds = t.app.get(DataSource);
    const count = async () =>
      (
        await ds.query(`SELECT (SELECT count(*) FROM users)::int AS u, (SELECT count(*) FROM audit_events)::int AS e`)
      )[0];
    const before = await count();
    for (const body of [
      { passwordHash: 'x' },
      { password_hash: 'x' },
      { id: user.id },
      { email: 'new@test.local' },
      { role: 'root' },
      { disabled: 'yes' },
      { display_name: '' },
    ]) {
      await as(admin).patch(`/api/v1/users/${user.id}`, body).expect(400);
    }
    for (const body of [
      { email: 'not-an-email', role: 'member' },
      { email: `${'x'.repeat(320)}@test.local`, role: 'member' },
      { email: 'ok@test.local', role: 'member', password: 'short' },
      { email: 'ok@test.local', role: 'member', passwordHash: '$2b$04$abc' },
      { email: 'ok@test.local' },
    ]) {
      await as(admin).post('/api/v1/users', body).expect(400);
    }
    // A member changing their own password cannot slip in a role.
    await http(t)
      .post('/api/v1/auth/password')
      .set(bearer(user.token))
      .send({ current_password: user.password, new_password: 'another-password-1', role: 'admin' })
      .expect(400);
    for (const body of [
      { email: 'bad', password: 'x' },
      { email: 'a@b.c', password: 'x'.repeat(201) },
      { email: 'a@b.c' },
      { email: 'a@b.c', password: 'x', extra: 1 },
    ]) {
      await http(t).post('/api/v1/auth/login').send(body).expect(400);
    }
    await http(t).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email":').expect(400);
    expect(await count()).toEqual(before);
  });

  it('keeps users to admins and the audit log to admins and operators: members get 403', async () => {
    const op = await makeUser(t, 'operator');
    const member = await makeUser(t, 'member');
    for (const token of [op.token, member.token]) {
      await as(token).get('/api/v1/users').expect(403);
      await as(token).post('/api/v1/users', { email: 'sneaky@test.local', role: 'admin' }).expect(403);
    }
    await as(op.token).get('/api/v1/audit').expect(200);
    await as(member.token).get('/api/v1/audit').expect(403);
    await http(t).get('/api/v1/audit').expect(401);
  });

  it('records sign-ins, user and key changes, filterable by action, actor and time', async () => {
    const member = await makeUser(t, 'member', 'hugo');
    await http(t)
      .post('/api/v1/api-keys')
      .set(bearer(member.token))
      .send({ name: 'k', scopes: ['catalog:read'] })
      .expect(201);
    const logins = await as(admin).get(`/api/v1/audit?action=auth.login&actor_id=${member.id}`).expect(200);
    expect(logins.body.meta.total).toBe(1);
    const keys = await as(admin).get(`/api/v1/audit?action=api_key.created&actor_id=${member.id}`).expect(200);
    expect(keys.body.data[0]).toMatchObject({ actor_label: member.email, target_type: 'api_key', target_label: 'k' });
    // A family of actions: "api_key" (or "api_key.") matches every api_key.* event, not api_keys_… lookalikes.
    for (const family of ['api_key', 'api_key.']) {
      const all = await as(admin).get(`/api/v1/audit?action=${family}&actor_id=${member.id}`).expect(200);
      expect(all.body.data.map((e: { action: string }) => e.action)).toEqual(['api_key.created']);
    }
    const none = await as(admin).get(`/api/v1/audit?action=api_&actor_id=${member.id}`).expect(200);
    expect(none.body.meta.total).toBe(0);
    const users = await as(admin).get('/api/v1/audit?action=user&per_page=1').expect(200);
    expect(users.body.data[0].target_label).toMatch(/@/);
    const future = await as(admin)
      .get(`/api/v1/audit?from=${new Date(Date.now() + 60_000).toISOString()}`)
      .expect(200);
    expect(future.body.meta.total).toBe(0);
    await as(admin).get('/api/v1/audit?from=yesterday').expect(400);
    await as(admin).get('/api/v1/audit?actor_id=nope').expect(400);
  });
});
