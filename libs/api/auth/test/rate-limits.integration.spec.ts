import { createTestDatabase, runningInCi, TestApp, testRedisUrl } from '@mph/api-core/testing';
import { CallerRateLimit } from '../src';
import { authApp, bearer, http, makeUser } from './kit';

const bad = { email: 'someone@test.local', password: 'wrong-password' };

describe('rate limits', () => {
  describe('login brute force', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await authApp({ env: { RATE_LIMIT_LOGIN_PER_MINUTE: '5' } });
    });
    afterAll(() => t.close());

    it('answers the 6th bad attempt in a minute from one IP with 429, Retry-After and X-RateLimit-* headers', async () => {
      for (let i = 1; i <= 5; i++) {
        const res = await http(t).post('/api/v1/auth/login').send(bad).expect(401);
        expect(res.headers['x-ratelimit-remaining-login']).toBe(String(5 - i));
      }
      const limited = await http(t).post('/api/v1/auth/login').send(bad).expect(429);
      expect(limited.body).toEqual({
        error: {
          code: 'RATE_LIMITED',
          message: expect.stringMatching(/^Too many requests: the limit is 5 per minute\. Retry in \d+ s\.$/),
        },
      });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Even the right password is refused while blocked.
      await http(t)
        .post('/api/v1/auth/login')
        .send({ email: 'admin@test.local', password: 'admin-password-123' })
        .expect(429);
    });

    it('ignores X-Forwarded-For unless TRUST_PROXY is set (so attackers cannot rotate IPs)', async () => {
      await http(t).post('/api/v1/auth/login').set('X-Forwarded-For', '203.0.113.9').send(bad).expect(429);
    });
  });

  describe('behind a trusted proxy', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await authApp({ env: { RATE_LIMIT_LOGIN_PER_MINUTE: '2', TRUST_PROXY: 'loopback' } });
    });
    afterAll(() => t.close());

    it('counts per client IP from X-Forwarded-For', async () => {
      const from = (ip: string) => http(t).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send(bad);
      await from('198.51.100.1').expect(401);
      await from('198.51.100.1').expect(401);
      await from('198.51.100.1').expect(429);
      await from('198.51.100.2').expect(401);
    });
  });

  describe('public and signed-in limits', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await authApp({ env: { RATE_LIMIT_PUBLIC_PER_MINUTE: '3', RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '6' } });
    });
    afterAll(() => t.close());

    it('limits anonymous callers per IP and signed-in callers per user, across all routes', async () => {
      const user = await makeUser(t, 'member'); // its sign-in is 1 of this IP's 3 anonymous requests
      for (const remaining of [1, 0]) {
        const ok = await http(t).get('/api/v1/probe/public').expect(200);
        expect(ok.headers['x-ratelimit-limit']).toBe('3');
        expect(ok.headers['x-ratelimit-remaining']).toBe(String(remaining));
      }
      await http(t).get('/api/v1/probe/public').expect(429);
      // The signed-in user has a budget of their own (6), shared by every route.
      for (let i = 0; i < 3; i++) await http(t).get('/api/v1/probe/public').set(bearer(user.token)).expect(200);
      for (let i = 0; i < 3; i++) await http(t).get('/api/v1/probe/signed-in').set(bearer(user.token)).expect(200);
      await http(t).get('/api/v1/probe/signed-in').set(bearer(user.token)).expect(429);
    });
  });

  describe('weighted routes', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await authApp({ env: { RATE_LIMIT_PUBLIC_PER_MINUTE: '10' } });
    });
    afterAll(() => t.close());

    it('charges a batch one request per 10 items, so batching does not multiply what the limit allows', async () => {
      const items = (n: number) => ({ items: Array.from({ length: n }, (_, i) => i) });
      const first = await http(t).post('/api/v1/probe/batch').send(items(42)).expect(200);
      expect(first.headers['x-ratelimit-remaining']).toBe('5');
      const second = await http(t).post('/api/v1/probe/batch').send(items(3)).expect(200);
      expect(second.headers['x-ratelimit-remaining']).toBe('4');
      // 50 items (5 requests' worth) no longer fit in the 4 left.
      await http(t).post('/api/v1/probe/batch').send(items(50)).expect(429);
    });
  });

  describe('requests answered outside the Nest pipeline', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await authApp({ env: { RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '6', RATE_LIMIT_GATEWAY_PER_MINUTE: '4' } });
    });
    afterAll(() => t.close());

    it('counts gateway calls on their own counter (RATE_LIMIT_GATEWAY_PER_MINUTE), apart from API requests', async () => {
      const user = await makeUser(t, 'member');
      const by = { userId: user.id, email: user.email, role: 'member' as const, via: 'session' as const };
      const limits = t.app.get(CallerRateLimit);
      for (let i = 0; i < 4; i++) expect(await limits.consume(by, 'gateway')).toBeNull();
      expect(await limits.consume(by, 'gateway')).toMatchObject({ setting: 'RATE_LIMIT_GATEWAY_PER_MINUTE' });
      // The API budget is untouched by the gateway's.
      for (let i = 0; i < 6; i++) await http(t).get('/api/v1/probe/signed-in').set(bearer(user.token)).expect(200);
      await http(t).get('/api/v1/probe/signed-in').set(bearer(user.token)).expect(429);
    });

    it('counts requests answered outside the Nest pipeline (the gateway fast path) in the same per-caller budget', async () => {
      const user = await makeUser(t, 'member');
      const by = { userId: user.id, email: user.email, role: 'member' as const, via: 'session' as const };
      const limits = t.app.get(CallerRateLimit);
      for (let i = 0; i < 3; i++) expect(await limits.consume(by)).toBeNull();
      for (let i = 0; i < 3; i++) await http(t).get('/api/v1/probe/signed-in').set(bearer(user.token)).expect(200);
      expect(await limits.consume(by)).toEqual({
        retryAfterSeconds: expect.any(Number),
        message: expect.stringMatching(
          /^Too many requests: the limit is 6 per minute \(RATE_LIMIT_AUTHENTICATED_PER_MINUTE\)\. Retry in \d+ s\.$/,
        ),
        setting: 'RATE_LIMIT_AUTHENTICATED_PER_MINUTE',
      });
      await http(t).get('/api/v1/probe/signed-in').set(bearer(user.token)).expect(429);
    });
  });
});

describe('rate limits shared through Redis (REDIS_URL)', () => {
  it('two API instances count one budget', async () => {
    const url = await testRedisUrl();
    if (!url) {
      // Redis is part of the CI machine (required there); a laptop without it cannot run this case.
      expect(runningInCi()).toBe(false);
      console.warn('Redis is not running on 127.0.0.1:6379: the shared rate-limit case was not exercised.');
      return;
    }
    const db = await createTestDatabase();
    const env = { REDIS_URL: url, RATE_LIMIT_LOGIN_PER_MINUTE: '3', TRUST_PROXY: 'loopback' };
    const one = await authApp({ env, database: db });
    const two = await authApp({ env, database: db });
    try {
      const ip = `192.0.2.${Math.floor(Math.random() * 250) + 1}-${Date.now()}`;
      const attempt = (t: TestApp) =>
        http(t)
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', ip.split('-')[0])
          .send({ ...bad, email: `${ip}@test.local` });
      await attempt(one).expect(401);
      await attempt(two).expect(401);
      await attempt(one).expect(401);
      await attempt(two).expect(429);
    } finally {
      await one.close();
      await two.close();
      await db.drop();
    }
  });
});
