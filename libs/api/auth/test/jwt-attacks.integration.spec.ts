import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '@mph/api-core';
import { TestApp } from '@mph/api-core/testing';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { authApp, bearer, http, login, makeUser } from './kit';

const b64url = (v: object | string) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function hs256(header: object, payload: object, secret: string): string {
  const head = `${b64url(header)}.${b64url(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('access token attacks are rejected with 401', () => {
  let t: TestApp;
  let secret: string;
  let valid: { token: string; claims: Record<string, unknown> };

  beforeAll(async () => {
    t = await authApp();
    secret = t.app.get<AppConfig>(APP_CONFIG).auth.jwtSecret;
    const user = await makeUser(t, 'member');
    valid = { token: user.token, claims: t.app.get(JwtService).decode(user.token) };
  });
  afterAll(() => t.close());

  const me = (token?: string) => {
    const r = http(t).get('/api/v1/probe/signed-in');
    return token === undefined ? r : r.set(bearer(token));
  };

  it('accepts the genuine token', async () => {
    await me(valid.token).expect(200);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['garbage', 'not.a.jwt'],
  ])('rejects a %s token', async (_name, token) => {
    const res = await me(token).expect(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('rejects an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    await me(hs256({ alg: 'HS256', typ: 'JWT' }, { ...valid.claims, iat: now - 2000, exp: now - 1000 }, secret)).expect(
      401,
    );
  });

  it('rejects a token signed with another secret', async () => {
    await me(hs256({ alg: 'HS256', typ: 'JWT' }, valid.claims, 'another-secret-another-secret-another')).expect(401);
  });

  it('rejects alg: none', async () => {
    await me(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...valid.claims, role: 'admin' })}.`).expect(401);
  });

  it('rejects a tampered payload (role raised to admin, signature kept)', async () => {
    const [head, , sig] = valid.token.split('.');
    const forged = `${head}.${b64url({ ...valid.claims, role: 'admin' })}.${sig}`;
    await me(forged).expect(401);
    await http(t).get('/api/v1/probe/operators').set(bearer(forged)).expect(401);
  });

  it('ignores the role claim: a correctly signed token claiming admin still gets member rights', async () => {
    const lying = hs256({ alg: 'HS256', typ: 'JWT' }, { ...valid.claims, role: 'admin' }, secret);
    await me(lying).expect(200);
    await http(t).get('/api/v1/probe/operators').set(bearer(lying)).expect(403);
  });

  it('rejects the token of a user disabled after sign-in', async () => {
    const user = await makeUser(t, 'member');
    await me(user.token).expect(200);
    await t.app.get(DataSource).query(`UPDATE users SET disabled = true WHERE id = $1`, [user.id]);
    await me(user.token).expect(401);
  });

  it('rejects an access token after logout (no revocation window)', async () => {
    const user = await makeUser(t, 'member');
    const tokens = await login(t, user.email, user.password);
    await me(tokens.access_token).expect(200);
    await http(t).post('/api/v1/auth/logout').set(bearer(tokens.access_token)).send({}).expect(204);
    await me(tokens.access_token).expect(401);
  });

  it('treats bad credentials on a public route as anonymous', async () => {
    const res = await http(t).get('/api/v1/probe/public').set(bearer('not.a.jwt')).expect(200);
    expect(res.body).toEqual({ user: null });
    const signedIn = await http(t).get('/api/v1/probe/public').set(bearer(valid.token)).expect(200);
    expect(signedIn.body.user).toMatch(/@test\.local$/);
  });
});
