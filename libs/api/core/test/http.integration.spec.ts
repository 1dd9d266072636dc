import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsString } from 'class-validator';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from '../testing';

class EchoDto {
  @IsString()
  name!: string;
}

@Controller('test')
class ProbeController {
  @Post('echo')
  echo(@Body() body: EchoDto): EchoDto {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret internals: password=hunter2 at /srv/app/x.ts:12');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('HTTP shell (error envelope, limits, headers)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [ProbeModule],
      env: { BODY_LIMIT: '1kb', CORS_ORIGINS: 'https://console.example.com' },
    });
  });
  afterAll(() => t.close());

  const http = () => request(t.app.getHttpServer());

  it('accepts a valid body', async () => {
    const res = await http().post('/api/v1/test/echo').send({ name: 'gpt-4o' }).expect(201);
    expect(res.body).toEqual({ name: 'gpt-4o' });
  });

  it('answers 400 VALIDATION_FAILED for an unknown property', async () => {
    const res = await http().post('/api/v1/test/echo').send({ name: 'x', admin: true }).expect(400);
    expect(res.body).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The request is invalid: admin: property admin should not exist',
        details: [{ field: 'admin', problems: ['property admin should not exist'] }],
      },
    });
  });

  it('answers 400 for a wrong type', async () => {
    const res = await http().post('/api/v1/test/echo').send({ name: 42 }).expect(400);
    expect(res.body.error.details).toEqual([{ field: 'name', problems: ['name must be a string'] }]);
  });

  it('answers 400 INVALID_JSON for malformed JSON', async () => {
    const res = await http()
      .post('/api/v1/test/echo')
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    expect(res.body).toEqual({ error: { code: 'INVALID_JSON', message: 'Request body is not valid JSON.' } });
  });

  it('answers 404 in the envelope for an unknown route', async () => {
    const res = await http().get('/api/v1/no-such-thing').expect(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Cannot GET /api/v1/no-such-thing' } });
  });

  it('answers 413 in the envelope for an oversized body', async () => {
    const res = await http()
      .post('/api/v1/test/echo')
      .send({ name: 'x'.repeat(2000) })
      .expect(413);
    expect(res.body).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Request body is larger than the limit of 1024 bytes.',
        details: { limit_bytes: 1024 },
      },
    });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('answers 500 without leaking the message or a stack', async () => {
    const res = await http().get('/api/v1/test/boom').expect(500);
    expect(res.body).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side. The error has been logged.' },
    });
    expect(res.text).not.toMatch(/hunter2|\.ts:|at /);
  });

  it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    const given = await http().get('/api/v1/health/live').set('X-Request-Id', 'trace-42').expect(200);
    expect(given.headers['x-request-id']).toBe('trace-42');
    const unsafe = await http().get('/api/v1/health/live').set('X-Request-Id', 'a b\tc').expect(200);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers and allows only configured CORS origins', async () => {
    const allowed = await http().get('/api/v1/health/live').set('Origin', 'https://console.example.com').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.com');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['x-powered-by']).toBeUndefined();
    const denied = await http().get('/api/v1/health/live').set('Origin', 'https://evil.example.com').expect(200);
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await http().get('/api/docs/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/health/ready', '/api/v1/jobs/runs']));
    expect(doc.body.paths['/api/v1/jobs/runs'].get.operationId).toBe('listJobRuns');
    await http().get('/api/docs').expect(200).expect('Content-Type', /html/);
  });

  it('exposes Prometheus metrics with the latency histogram by route and the DB pool', async () => {
    await http().get('/api/v1/health/live').expect(200);
    const res = await http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/health\/live",status="200"\} [1-9]/,
    );
    expect(res.text).toMatch(/db_pool_connections\{state="total"\} \d+/);
    expect(res.text).toContain('process_resident_memory_bytes');
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  const token = 'scrape-token-8c1f4e2b9d';

  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: token } });
  });
  afterAll(() => t.close());

  it('answers only the bearer token, with a 401 envelope that says what to send otherwise', async () => {
    const http = () => request(t.app.getHttpServer());
    for (const authorization of [undefined, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`]) {
      const req = http().get('/metrics');
      const res = await (authorization ? req.set('Authorization', authorization) : req).expect(401);
      expect(res.body.error).toEqual({ code: 'UNAUTHORIZED', message: expect.stringContaining('METRICS_TOKEN') });
      expect(res.text).not.toContain('process_resident_memory_bytes');
    }
    const ok = await http().get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(ok.text).toContain('process_resident_memory_bytes');
  });
});

const BUNDLE = 'export const x = "the same line again";\n'.repeat(2000);

describe('console hosting', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'mph-console-'));

  beforeAll(async () => {
    writeFileSync(join(dir, 'index.html'), '<html><body>console</body></html>');
    writeFileSync(join(dir, 'main-ABC.js'), 'console.log(1)');
    writeFileSync(join(dir, 'vendor-ABCD1234.js'), BUNDLE);
    t = await createTestApp({ env: { ADMIN_STATIC_DIR: dir } });
  });
  afterAll(() => t.close());

  it('serves the console at /, its assets, and index.html for client-side routes', async () => {
    const http = request(t.app.getHttpServer());
    expect((await http.get('/').expect(200)).text).toContain('console');
    expect((await http.get('/main-ABC.js').expect(200)).text).toBe('console.log(1)');
    const deep = await http.get('/pricing/offerings/42').expect(200);
    expect(deep.text).toContain('console');
    expect(deep.headers['cache-control']).toBe('no-cache');
  });

  it('sends the bundles gzip-compressed to clients that accept it, hashed ones cached for good', async () => {
    const http = request(t.app.getHttpServer());
    const big = await http.get('/vendor-ABCD1234.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(big.headers['content-encoding']).toBe('gzip');
    expect(big.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(big.headers['content-length'])).toBeLessThan(BUNDLE.length / 10);
    expect(big.text).toBe(BUNDLE);
    const plain = await http.get('/vendor-ABCD1234.js').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(BUNDLE);
    // Only files of the console's directory: a path out of it falls through to index.html.
    const out = await http.get('/..%2Fetc%2Fpasswd.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(out.text).toContain('console');
    // A name that is not a file falls through too (index.html for a client-side route).
    const missing = await http.get('/nope-12345678.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(missing.headers['content-encoding']).toBeUndefined();
  });

  it('still answers unknown /api paths with the 404 envelope', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/v1/pricing/nothing').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    const bare = await request(t.app.getHttpServer()).get('/api/whatever').expect(404);
    expect(bare.body.error.code).toBe('NOT_FOUND');
  });
});
