import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTestApp, TEST_ENV, TestApp } from '@mph/api-core/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app/app.module';
import { FuzzRequest, OpenApiDocument, OpenApiFuzzer } from './openapi-fuzz';
import { installWriteLog, WriteLog } from './write-log';

/**
 * Fuzzing from the OpenAPI document: every operation gets its documented request and thousands of hostile variants
 * (wrong types, huge and empty strings, overflowing numbers, unicode, injection strings, unknown fields, missing
 * fields, broken JSON, bad path segments, missing credentials). Whatever the input: no 5xx, every error in the
 * envelope with no stack trace, and a rejected request changes nothing in the database.
 * To see the server side of a failure, set FUZZ_LOG below to 'error'.
 */
describe('OpenAPI fuzzing', () => {
  let t: TestApp;
  let base: string;
  let token: string;
  let writes: WriteLog;
  const doc = JSON.parse(readFileSync(join(__dirname, '../../../../openapi/openapi.json'), 'utf8')) as OpenApiDocument;

  const login = async () => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: TEST_ENV['ADMIN_EMAIL'], password: TEST_ENV['ADMIN_PASSWORD'] }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    t = await createTestApp({
      root: (o) => AppModule.forRoot(o),
      env: { LOG_LEVEL: FUZZ_LOG },
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    token = await login();
    writes = await installWriteLog(t.app.get(DataSource));
  });
  afterAll(() => t.close());

  const send = async (r: FuzzRequest) => {
    const headers: Record<string, string> = {};
    if (r.contentType) headers['content-type'] = r.contentType;
    if (r.auth) headers['authorization'] = `Bearer ${token}`;
    const res = await fetch(`${base}${r.url}`, { method: r.method, headers, body: r.body });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
  };

  // The live event stream never ends (a fuzzed request would wait forever); it takes no input, its own test reads it.
  const requests = new OpenApiFuzzer(doc).requests().filter((r) => r.route !== '/api/v1/events');
  const byOperation = new Map<string, FuzzRequest[]>();
  for (const r of requests)
    byOperation.set(`${r.method} ${r.route}`, [...(byOperation.get(`${r.method} ${r.route}`) ?? []), r]);
  let sent = 0;
  let rejected = 0;

  it('covers every operation of the document with thousands of requests', () => {
    // Every operation but the live event stream (left out above).
    expect(byOperation.size).toBe(Object.values(doc.paths).flatMap((p) => Object.keys(p)).length - 1);
    expect(requests.length).toBeGreaterThan(3000);
  });

  it.each([...byOperation.keys()])(
    '%s: no 5xx, errors in the envelope, rejected requests change nothing',
    async (op) => {
      const serverErrors: string[] = [];
      const badEnvelopes: string[] = [];
      const stateChanges: string[] = [];
      for (const r of byOperation.get(op) ?? []) {
        await writes.mark();
        const res = await send(r);
        sent++;
        if (res.status >= 500) serverErrors.push(`${r.label} → ${res.status} ${res.text.slice(0, 200)}`);
        if (res.status >= 400) {
          rejected++;
          const problem = envelopeProblem(res.text, res.type);
          if (problem) badEnvelopes.push(`${r.label} → ${res.status}: ${problem}`);
          const changed = (await writes.since()).filter(
            (w) => !(r.route === '/api/v1/auth/login' && w.startsWith('audit_events insert')),
          );
          if (changed.length) stateChanges.push(`${r.label} → ${res.status} wrote ${changed.join(', ')}`);
        }
        // Signing out (or changing the password) is what those routes are for: sign in again and go on.
        if (SIGN_OUT_ROUTES.has(r.route) && res.status < 400) {
          token = await login();
          continue;
        }
        // Failed sign-ins are audited on purpose (that write is allowed above). A rejected request that signed the
        // admin out would be a bug: report it, sign in again, go on.
        if (
          res.status === 401 &&
          r.auth &&
          (await send({ ...r, method: 'GET', url: '/api/v1/auth/me', body: undefined })).status === 401
        ) {
          stateChanges.push(`${r.label} signed the admin out`);
          token = await login();
        }
      }
      expect({ serverErrors, badEnvelopes, stateChanges }).toEqual({
        serverErrors: [],
        badEnvelopes: [],
        stateChanges: [],
      });
    },
  );

  it('rejected most of what it sent (the inputs are hostile)', () => {
    expect(sent).toBe(requests.length);
    expect(rejected).toBeGreaterThan(sent * 0.8);
    process.stderr.write(
      `fuzz: ${sent} requests over ${byOperation.size} operations, ${rejected} rejected with 4xx, 0 with 5xx\n`,
    );
  });
});

/** The app's log level during the run: 'error' shows the server side of a failure (stack and SQL). */
const FUZZ_LOG = 'silent';

/** Routes whose accepted requests end the caller's session. */
const SIGN_OUT_ROUTES = new Set(['/api/v1/auth/logout', '/api/v1/auth/password']);

/** What is wrong with an error answer, or null: JSON, `{error: {code, message}}`, and no stack trace or SQL. */
function envelopeProblem(text: string, type: string): string | null {
  if (!type.includes('application/json')) return `content-type ${type}`;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string')
    return `no envelope: ${text.slice(0, 200)}`;
  if (/\n\s+at .+:\d+:\d+|node_modules|QueryFailedError|duplicate key value|violates .* constraint/.test(text)) {
    return `leaks internals: ${text.slice(0, 200)}`;
  }
  return null;
}
