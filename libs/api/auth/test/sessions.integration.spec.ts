import { DataSource } from 'typeorm';
import { TestApp } from '@mph/api-core/testing';
import { ADMIN, authApp, bearer, expectNoSecrets, http, login, makeUser } from './kit';

describe('sign-in, refresh rotation, logout, password change', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await authApp();
  });
  afterAll(() => t.close());

  it('creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD, who can sign in (email case-insensitive)', async () => {
    const res = await http(t)
      .post('/api/v1/auth/login')
      .send({ email: ADMIN.email.toUpperCase(), password: ADMIN.password })
      .expect(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(res.body.access_token.split('.')).toHaveLength(3);
    expect(res.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(
      /mph_refresh=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/api\/v1\/auth; Expires=.*; HttpOnly; SameSite=Strict/,
    );
    const me = await http(t).get('/api/v1/auth/me').set(bearer(res.body.access_token)).expect(200);
    expect(me.body).toMatchObject({ email: ADMIN.email, role: 'admin', disabled: false });
    expect(me.body.last_login_at).not.toBeNull();
    expectNoSecrets(me.body);
    const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
    expect(n).toBe(1);
  });

  it('rejects a wrong password, an unknown email and a disabled user with the same 401, and audits each', async () => {
    const member = await makeUser(t, 'member');
    const wrong = await http(t)
      .post('/api/v1/auth/login')
      .send({ email: member.email, password: 'not-it-at-all' })
      .expect(401);
    const unknown = await http(t)
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@test.local', password: 'whatever-123' })
      .expect(401);
    expect(wrong.body).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'Email or password is wrong.' } });
    expect(unknown.body).toEqual(wrong.body);
    await t.app.get(DataSource).query(`UPDATE users SET disabled = true WHERE id = $1`, [member.id]);
    const disabled = await http(t)
      .post('/api/v1/auth/login')
      .send({ email: member.email, password: member.password })
      .expect(401);
    expect(disabled.body).toEqual(wrong.body);
    const events = await t.app
      .get(DataSource)
      .query(
        `SELECT actor_label, after->>'reason' AS reason FROM audit_events WHERE action = 'auth.login_failed' ORDER BY occurred_at`,
      );
    expect(events).toEqual([
      { actor_label: member.email, reason: 'wrong password' },
      { actor_label: 'nobody@test.local', reason: 'unknown email' },
      { actor_label: member.email, reason: 'disabled' },
    ]);
  });

  it('rotates the refresh token on every use; reusing a rotated one revokes the whole family', async () => {
    const first = await login(t, ADMIN.email, ADMIN.password);
    const second = (await http(t).post('/api/v1/auth/refresh').send({ refresh_token: first.refresh_token }).expect(200))
      .body;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    await http(t).get('/api/v1/auth/me').set(bearer(second.access_token)).expect(200);

    // A replay later than the few seconds given to a second tab refreshing at the same moment.
    await t.app
      .get(DataSource)
      .query(`UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE used_at IS NOT NULL`);
    const reuse = await http(t).post('/api/v1/auth/refresh').send({ refresh_token: first.refresh_token }).expect(401);
    expect(reuse.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    // The family is gone: the newest refresh token and the access tokens of the session stop working.
    await http(t).post('/api/v1/auth/refresh').send({ refresh_token: second.refresh_token }).expect(401);
    await http(t).get('/api/v1/auth/me').set(bearer(second.access_token)).expect(401);
    const [audit] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.refresh_reuse'`);
    expect(audit.n).toBe(1);
  });

  it('lets two tabs refresh with the same token at once: both get tokens of their own, the session lives on', async () => {
    const tokens = await login(t, ADMIN.email, ADMIN.password);
    const [a, b] = await Promise.all([
      http(t).post('/api/v1/auth/refresh').send({ refresh_token: tokens.refresh_token }),
      http(t).post('/api/v1/auth/refresh').send({ refresh_token: tokens.refresh_token }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refresh_token).not.toBe(b.body.refresh_token);
    for (const pair of [a.body, b.body]) {
      await http(t).get('/api/v1/auth/me').set(bearer(pair.access_token)).expect(200);
      await http(t).post('/api/v1/auth/refresh').send({ refresh_token: pair.refresh_token }).expect(200);
    }
  });

  it('refreshes from the httpOnly cookie (the console never holds the refresh token)', async () => {
    const res = await http(t)
      .post('/api/v1/auth/login')
      .send({ email: ADMIN.email, password: ADMIN.password })
      .expect(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    const refreshed = await http(t).post('/api/v1/auth/refresh').set('Cookie', cookie).send({}).expect(200);
    expect(refreshed.body.access_token).toBeTruthy();
    await http(t).post('/api/v1/auth/refresh').send({}).expect(401);
    await http(t).post('/api/v1/auth/refresh').send({ refresh_token: 'garbage' }).expect(401);
  });

  it('logout ends the session: its access token is rejected at once and its refresh token is dead', async () => {
    const tokens = await login(t, ADMIN.email, ADMIN.password);
    await http(t).post('/api/v1/auth/logout').set(bearer(tokens.access_token)).send({}).expect(204);
    await http(t).get('/api/v1/auth/me').set(bearer(tokens.access_token)).expect(401);
    await http(t).post('/api/v1/auth/refresh').send({ refresh_token: tokens.refresh_token }).expect(401);
    // Logout by refresh token alone (an expired access token) works too, and is idempotent.
    const other = await login(t, ADMIN.email, ADMIN.password);
    await http(t).post('/api/v1/auth/logout').send({ refresh_token: other.refresh_token }).expect(204);
    await http(t).get('/api/v1/auth/me').set(bearer(other.access_token)).expect(401);
    await http(t).post('/api/v1/auth/logout').send({}).expect(204);
  });

  it('changing the password keeps this session and ends the others', async () => {
    const user = await makeUser(t, 'member');
    const other = await login(t, user.email, user.password);
    await http(t)
      .post('/api/v1/auth/password')
      .set(bearer(user.token))
      .send({ current_password: 'wrong-one-entirely', new_password: 'a-brand-new-password' })
      .expect(400);
    await http(t)
      .post('/api/v1/auth/password')
      .set(bearer(user.token))
      .send({ current_password: user.password, new_password: 'short' })
      .expect(400);
    await http(t)
      .post('/api/v1/auth/password')
      .set(bearer(user.token))
      .send({ current_password: user.password, new_password: 'a-brand-new-password' })
      .expect(204);
    await http(t).get('/api/v1/auth/me').set(bearer(user.token)).expect(200);
    await http(t).get('/api/v1/auth/me').set(bearer(other.access_token)).expect(401);
    await http(t).post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
    await login(t, user.email, 'a-brand-new-password');
  });
});
