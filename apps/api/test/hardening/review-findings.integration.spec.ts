import { SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { DemoSeedService } from '@mph/api-catalog';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import { DemoPricesSeedService } from '@mph/api-pricing';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppModule } from '../../src/app/app.module';
import { Client, Reply, SendOptions } from './security-kit';

/**
 * The lower-severity findings of the security review (issue 19), against the whole app in production mode (as the
 * review ran it) over HTTP on a real PostgreSQL: what production opens by default, cookies, whose connections and
 * webhooks may reach private hosts, what a connection test reads back, spreadsheet formulas in exports, mixed
 * credentials, impossible dates, guessable passwords and what the anonymous status page tells.
 */

const ADMIN = { email: 'admin@review.test', password: 'review-admin-passphrase-Kq73' };
const METRICS_TOKEN = 'scrape-token-for-the-review-suite';

describe('security review findings (issue 19), production mode', () => {
  let t: TestApp;
  let api: Client;
  /** An internal service on 127.0.0.1 that answers every request 500 with a body nobody outside may read. */
  let internal: Server;
  let internalPort = 0;
  let admin = '';
  let member = '';
  let memberKey = '';

  const need = (r: Reply, status: number, what: string) => {
    if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 400)}`);
    return r.body;
  };
  const as = (token: string): SendOptions => ({ token });
  const login = async (email: string, password: string) =>
    need(await api.post('/api/v1/auth/login', { email, password }), 200, `login ${email}`) as {
      access_token: string;
    };

  beforeAll(async () => {
    internal = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('INTERNAL-SECRET-BODY redis_version:7.0.15');
    });
    await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
    internalPort = (internal.address() as AddressInfo).port;
    t = await createTestApp({
      root: (o) => AppModule.forRoot(o),
      env: {
        NODE_ENV: 'production',
        JWT_SECRET: 'a-production-jwt-secret-of-at-least-32-characters',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        METRICS_TOKEN,
        PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      },
    });
    await t.app.listen(0, '127.0.0.1');
    api = new Client(`http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`);
    await t.app.get(DemoSeedService).seedIfEmpty();
    await t.app.get(DemoPricesSeedService).seedIfEmpty();
    admin = (await login(ADMIN.email, ADMIN.password)).access_token;
    await t.app
      .get(UsersService)
      .create(SYSTEM_ACTOR, { email: 'member@review.test', role: 'member', password: 'member-passphrase-Wd42x' });
    member = (await login('member@review.test', 'member-passphrase-Wd42x')).access_token;
    memberKey = need(
      await api.post('/api/v1/api-keys', { name: 'reporter', scopes: ['usage:write', 'usage:read'] }, as(member)),
      201,
      'key',
    ).key;
  });

  afterAll(async () => {
    api?.close();
    await t?.close();
    await new Promise<void>((r) => internal?.close(() => r()));
  });

  it('finding 8: closes the API docs by default in production, and /metrics unless a token opens it', async () => {
    for (const path of ['/api/docs', '/api/docs/openapi.json']) expect((await api.get(path)).status).toBe(404);
    // METRICS_TOKEN is set here, so /metrics is on, and only for that token.
    expect((await api.get('/metrics')).status).toBe(401);
    expect((await api.get('/metrics', { token: METRICS_TOKEN })).status).toBe(200);
  });

  it('finding 8: publishes no member’s connection id in metric labels', async () => {
    const shared = need(
      await api.post(
        '/api/v1/connections',
        { name: 'shared', base_url: `http://127.0.0.1:${internalPort}/v1`, shared: true, models: [{ model: 'm' }] },
        as(admin),
      ),
      201,
      'shared connection',
    );
    const own = need(
      await api.post(
        '/api/v1/connections',
        { name: 'mine', base_url: 'https://llm.example.com/v1', models: [{ model: 'mine' }] },
        as(member),
      ),
      201,
      'member connection',
    );
    // Loads every connection (and its breaker) into memory.
    await api.post(
      '/v1/chat/completions',
      { model: 'nothing', messages: [{ role: 'user', content: 'hi' }] },
      as(admin),
    );
    const metrics = (await api.get('/metrics', { token: METRICS_TOKEN })).text;
    const lines = metrics.split('\n').filter((l) => l.startsWith('gateway_circuit_state{'));
    expect(lines).toContain(`gateway_circuit_state{connection="${shared.id}"} 0`);
    expect(lines).toContain('gateway_circuit_state{connection="private"} 0');
    expect(metrics).not.toContain(own.id);
  });

  it('finding 9: sets the refresh cookie Secure (and httpOnly, SameSite=Strict) in production', async () => {
    const res = await api.post('/api/v1/auth/login', ADMIN);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const refresh = cookies.find((c) => c.startsWith('mph_refresh='));
    expect(refresh).toMatch(/; Secure/);
    expect(refresh).toMatch(/; HttpOnly/);
    expect(refresh).toMatch(/; SameSite=Strict/);
    expect(cookies.find((c) => c.startsWith('mph_signed_in='))).toMatch(/; Secure/);
  });

  it('finding 11: only admins’ and shared connections reach allow-listed private hosts; tests never echo a body', async () => {
    const url = `http://127.0.0.1:${internalPort}/v1`;
    const refused = await api.post('/api/v1/connections', { name: 'probe', base_url: url }, as(member));
    expect([refused.status, refused.body.error.code]).toEqual([400, 'URL_NOT_ALLOWED']);
    expect(refused.body.error.message).toContain('PROVIDER_ALLOWED_HOSTS');
    // A member's connection to a name that resolves to loopback is refused when it connects, too.
    const sneaky = need(
      await api.post(
        '/api/v1/connections',
        { name: 'sneaky', base_url: `http://localhost:${internalPort}/v1` },
        as(member),
      ),
      201,
      'dns connection',
    );
    const sneakyTest = need(await api.post(`/api/v1/connections/${sneaky.id}/test`, {}, as(member)), 200, 'test');
    expect(sneakyTest.ok).toBe(false);
    expect(sneakyTest.error).toMatch(/private or loopback/);
    // An admin may reach it; its answer's body is not read back.
    const own = need(
      await api.post('/api/v1/connections', { name: 'internal', base_url: url }, as(admin)),
      201,
      'admin',
    );
    const test = need(await api.post(`/api/v1/connections/${own.id}/test`, {}, as(admin)), 200, 'admin test');
    expect(test.ok).toBe(false);
    expect(test.error).toBe(`127.0.0.1:${internalPort} answered HTTP 500 to GET /models.`);
    expect(JSON.stringify(test)).not.toContain('INTERNAL-SECRET');
    // Budget webhooks: the same rule with their own setting (WEBHOOK_ALLOWED_HOSTS).
    const hook = { name: 'hook', scope: 'user', amount: '1', period: 'daily', mode: 'soft', webhook_url: url };
    const memberHook = await api.post('/api/v1/budgets', hook, as(member));
    expect([memberHook.status, memberHook.body.error.message]).toEqual([
      400,
      expect.stringContaining('WEBHOOK_ALLOWED_HOSTS'),
    ]);
    need(await api.post('/api/v1/budgets', hook, as(admin)), 201, 'admin hook');
  });

  it('finding 7: exports cells that start with - + = @ as text unless they are plain numbers', async () => {
    const formula = "-2+3+cmd|' /C calc'!A0";
    const stored = need(
      await api.post(
        '/api/v1/usage',
        {
          events: [
            {
              idempotency_key: 'csv-1',
              provider: 'openai',
              model: formula,
              usage: { input_tokens: 1 },
              error_class: '=HYPERLINK("http://evil.example")',
            },
          ],
        },
        as(memberKey),
      ),
      200,
      'usage',
    );
    expect(stored.stored).toBe(1);
    const csv = (await api.get('/api/v1/costs/events.csv', as(memberKey))).text;
    const line = csv.split('\r\n').find((l) => l.includes('csv-1')) as string;
    expect(line).toContain(`,'${formula},`);
    expect(line).not.toMatch(/,-2\+3/);
  });

  it('finding 12: refuses a request carrying two credentials (a token and an API key)', async () => {
    const both = await api.get('/api/v1/auth/me', { token: member, headers: { 'x-api-key': memberKey } });
    expect([both.status, both.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect(both.body.error.message).toContain('not both');
    expect((await api.get('/api/v1/auth/me', as(member))).status).toBe(200);
    expect((await api.get('/api/v1/auth/me', { headers: { 'x-api-key': memberKey } })).status).toBe(200);
  });

  it('finding 12: refuses impossible and ancient usage dates instead of rolling them over', async () => {
    const res = need(
      await api.post(
        '/api/v1/usage',
        {
          events: ['2026-02-30T10:00:00Z', '0001-01-01T00:00:00Z', '2026-02-28T10:00:00Z'].map((timestamp, i) => ({
            idempotency_key: `date-${i}`,
            timestamp,
            provider: 'openai',
            model: 'gpt-4o-mini',
            usage: { input_tokens: 10 },
          })),
        },
        as(memberKey),
      ),
      200,
      'usage',
    );
    expect(res.results.map((r: { status: string; reason?: string }) => [r.status, r.reason ?? null])).toEqual([
      ['rejected', 'timestamp: not a real calendar day'],
      ['rejected', 'timestamp: before 2000 (no LLM call happened then)'],
      ['stored', null],
    ]);
  });

  it('finding 12: refuses easy-to-guess passwords that are long enough', async () => {
    // Common passwords and their variants, and one made of the user's own email.
    for (const [email, password] of [
      ['weak1@review.test', 'Password123!'],
      ['weak2@review.test', 'qwertyuiop123'],
      ['weakling@review.test', 'weakling@review.test1'],
    ]) {
      const res = await api.post('/api/v1/users', { email, role: 'member', password }, as(admin));
      expect([password, res.status, res.body?.error?.code]).toEqual([password, 400, 'WEAK_PASSWORD']);
    }
    const change = await api.post(
      '/api/v1/auth/password',
      { current_password: 'member-passphrase-Wd42x', new_password: 'iloveyou2024' },
      as(member),
    );
    expect([change.status, change.body.error.code]).toEqual([400, 'WEAK_PASSWORD']);
    need(
      await api.post(
        '/api/v1/users',
        { email: 'strong@review.test', role: 'member', password: 'violet-anchor-meadow-42' },
        as(admin),
      ),
      201,
      'strong password',
    );
  });

  it('finding 12: the anonymous status page names the database’s major version only', async () => {
    const status = need(await api.get('/api/v1/status'), 200, 'status');
    expect(status.database.version).toMatch(/^PostgreSQL \d+$/);
    expect(JSON.stringify(status)).not.toMatch(/Debian|Ubuntu|deb\d|\d+\.\d+ \(/);
  });
});
