import { createTestDatabase, runningInCi, TestApp, TestDatabase, testRedisUrl } from '@mph/api-core/testing';
import { DataChanges } from '@mph/api-core';
import Redis from 'ioredis';
import request from 'supertest';
import { RedisBucketStore } from '../src/lib/limits/bucket-store';
import { createChatTestApp, userToken } from '../testing';

/** Gateway limits with REDIS_URL: two API instances on one database and one Redis count one budget. */
describe('gateway limits shared through Redis', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let redisUrl: string | undefined;
  let admin = '';
  let key = '';
  let keyId = '';

  beforeAll(async () => {
    redisUrl = await testRedisUrl();
    if (!redisUrl) return;
    db = await createTestDatabase();
    // Instances behind one load balancer share their JWT secret (passport's strategy is also process-wide).
    const env = { REDIS_URL: redisUrl, JWT_SECRET: 'shared-jwt-secret-for-two-instances-0123456789' };
    one = await createChatTestApp({ env, database: db });
    two = await createChatTestApp({ env, database: db });
    admin = await userToken(one, 'admin', 'admin', 'limits-shared.test');
    const created = await request(one.app.getHttpServer())
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'shared', scopes: ['gateway'] })
      .expect(201);
    [key, keyId] = [created.body.key, created.body.id];
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  const ask = (t: TestApp, content = 'hello') =>
    request(t.app.getHttpServer())
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key}`)
      .send({ model: 'local/echo', messages: [{ role: 'user', content }] });

  it('refuses the call past the limit on whichever instance it lands, and lets it through once removed', async () => {
    if (!redisUrl) {
      // Redis is part of the CI machine (required there); a laptop without it cannot run this case.
      expect(runningInCi()).toBe(false);
      return;
    }
    const limit = await request(one.app.getHttpServer())
      .put('/api/v1/gateway/limits')
      .set('Authorization', `Bearer ${admin}`)
      .send({ scope: 'api_key', scope_id: keyId, requests_per_minute: 3 })
      .expect(200);
    await ask(one).expect(200);
    await ask(two).expect(200);
    await ask(one).expect(200);
    // Each instance alone has spent at most two of three: only a shared count refuses these.
    const refused = await ask(two).expect(429);
    expect(refused.body.error.message).toContain('3 requests per minute for this API key');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await ask(one).expect(429);
    // The limit removed on one instance is gone on the other too (PostgreSQL change notifications between them).
    const heard = new Promise<void>((resolve) => {
      const stop = one.app.get(DataChanges).subscribe((table) => {
        if (table === 'gateway_limits') {
          stop();
          resolve();
        }
      });
    });
    await request(two.app.getHttpServer())
      .delete(`/api/v1/gateway/limits/${limit.body.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(204);
    await heard;
    await ask(one).expect(200);
    await ask(two).expect(200);
  });

  it("decides all of a call's buckets together in Redis: waits name the bucket, nothing is spent on a refusal", async () => {
    if (!redisUrl) return expect(runningInCi()).toBe(false);
    const prefix = `mph:test-bucket:${Date.now()}:`;
    const store = new RedisBucketStore(redisUrl, prefix);
    try {
      const requests = { key: 'r', capacity: 60, need: 1, spend: 1 };
      const tokens = (need: number) => ({ key: 't', capacity: 600, need, spend: need });
      expect(await store.admit([requests, tokens(500)])).toEqual({ wait: 0, index: -1 });
      // 100 tokens left: 300 more need 200 at 10 per second → about 20 s, and the request bucket is not spent.
      const refused = await store.admit([requests, tokens(300)]);
      expect(refused.index).toBe(1);
      expect(refused.wait).toBeGreaterThan(19_000);
      expect(refused.wait).toBeLessThanOrEqual(20_000);
      expect(await store.admit([{ ...requests, need: 59, spend: 0 }])).toEqual({ wait: 0, index: -1 });
      // Output tokens counted afterwards overdraw the bucket.
      await store.charge('t', 600, 400);
      expect((await store.admit([tokens(1)])).wait).toBeGreaterThan(29_000);
    } finally {
      await store.close();
    }
  });

  it('keeps the buckets in Redis under their own prefix, expiring once they would be full again', async () => {
    if (!redisUrl) return expect(runningInCi()).toBe(false);
    const redis = new Redis(redisUrl);
    try {
      const keys = await redis.keys('mph:gateway-bucket:*');
      expect(keys).toEqual(
        expect.arrayContaining([expect.stringMatching(/^mph:gateway-bucket:[0-9a-f-]{36}:requests$/)]),
      );
      const ttl = await redis.pttl(keys[0]);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(61_000);
    } finally {
      redis.disconnect();
    }
  });
});
