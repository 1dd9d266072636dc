import { SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { DemoSeedService } from '@mph/api-catalog';
import { FakeUpstream } from '@mph/api-chat/testing';
import { DataChanges } from '@mph/api-core';
import { createTestApp, TEST_ENV, TestApp } from '@mph/api-core/testing';
import { DemoPricesSeedService } from '@mph/api-pricing';
import { Dec } from '@mph/cost-engine';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app/app.module';
import { Client, Reply, SendOptions } from './security-kit';

/**
 * Regression tests for the money findings of the security review (issue 19), against the whole app over HTTP on a
 * real PostgreSQL: hard budgets under concurrent calls whatever the caller says about max_tokens (null, absent, zero,
 * huge) on the gateway's fast path, its Nest route and the chat; exchange rates that would make spend vanish;
 * budgets that must count every currency; budget writes with a read-only key.
 */

/** GATEWAY_MAX_TOKENS here; gpt-4o answers at $10 per 1M output tokens, so one call may cost about $0.041. */
const CAP = 4096;
const BUDGET = '0.5';
const CONCURRENT = 20;

describe('money holes (issue 19)', () => {
  let t: TestApp;
  let api: Client;
  let db: DataSource;
  /** A model that writes 3,000,000 tokens ($30 at gpt-4o's price) unless the request caps it. */
  const upstream = new FakeUpstream();
  let admin = '';
  let operator = '';
  let seq = 0;

  const need = (r: Reply, status: number, what: string) => {
    if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 400)}`);
    return r.body;
  };
  const as = (token: string): SendOptions => ({ token });

  const login = async (email: string, password: string): Promise<string> =>
    need(await api.post('/api/v1/auth/login', { email, password }), 200, `login ${email}`).access_token;

  /** A new member with a fresh day of spend: each case gets its own budget. */
  const member = async (role: 'member' | 'operator' = 'member'): Promise<{ id: string; token: string }> => {
    const email = `m${++seq}@money.test`;
    const password = `member-${seq}-password-Zq81`;
    const { user } = await t.app.get(UsersService).create(SYSTEM_ACTOR, { email, role, password });
    return { id: user.id, token: await login(email, password) };
  };

  const key = async (token: string, scopes: string[]): Promise<string> =>
    need(await api.post('/api/v1/api-keys', { name: `key-${++seq}`, scopes }, as(token)), 201, 'api key').key;

  const hardBudget = async (token: string, amount = BUDGET) =>
    need(
      await api.post(
        '/api/v1/budgets',
        { name: `hard-${++seq}`, scope: 'user', amount, period: 'daily', mode: 'hard' },
        as(token),
      ),
      201,
      'hard budget',
    ) as { id: string };

  const budgetOf = async (token: string, id: string) =>
    ((await need(await api.get('/api/v1/budgets', as(token)), 200, 'budgets').data) as { id: string }[]).find(
      (b) => b.id === id,
    ) as unknown as { spent: string; reserved: string; amount: string };

  /** Waits until every admitted call is recorded and its reservation released (the state, not a timer). */
  const settled = async (userId: string, token: string, budgetId: string, calls: number) => {
    for (;;) {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM usage_events WHERE user_id = $1`, [userId]);
      const b = await budgetOf(token, budgetId);
      if (n >= calls && new Dec(b.reserved).isZero()) return b;
      await new Promise((r) => setImmediate(r));
    }
  };

  /** CONCURRENT chat sessions in a project, one question each, their answers streamed at once. */
  const chatAnswers = async (token: string, projectId: string, params: object) => {
    const streams = await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        const session = need(
          await api.post('/api/v1/sessions', { project_id: projectId, model: 'gpt-4o', params }, as(token)),
          201,
          'session',
        );
        const sent = need(
          await api.post(`/api/v1/sessions/${session.id}/messages`, { content: 'write forever' }, as(token)),
          201,
          'message',
        );
        return sent.stream_url as string;
      }),
    );
    return Promise.all(streams.map((url) => api.get(url)));
  };

  /** The most one call may cost: its prompt plus CAP output tokens at gpt-4o's price (a generous prompt bound). */
  const maxCallCost = new Dec(1000).times('2.5').plus(new Dec(CAP).times(10)).div(1_000_000);

  beforeAll(async () => {
    await upstream.start();
    upstream.writesUntil = 3_000_000;
    t = await createTestApp({
      root: (o) => AppModule.forRoot(o),
      env: { GATEWAY_MAX_TOKENS: String(CAP), PROVIDER_ALLOWED_HOSTS: '127.0.0.1' },
    });
    await t.app.listen(0, '127.0.0.1');
    api = new Client(`http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`);
    db = t.app.get(DataSource);
    await t.app.get(DemoSeedService).seedIfEmpty();
    await t.app.get(DemoPricesSeedService).seedIfEmpty();
    admin = await login(TEST_ENV['ADMIN_EMAIL'] as string, TEST_ENV['ADMIN_PASSWORD'] as string);
    operator = (await member('operator')).token;
    need(
      await api.post(
        '/api/v1/connections',
        {
          name: 'Shared OpenAI-compatible upstream',
          base_url: upstream.url,
          provider: 'openai',
          shared: true,
          max_retries: 0,
          models: [{ model: 'gpt-4o' }],
        },
        as(admin),
      ),
      201,
      'shared connection',
    );
  });

  afterAll(async () => {
    api?.close();
    await t?.close();
    await upstream.stop();
  });

  describe('finding 1: max_tokens null, absent, zero or huge never lets a call past a hard budget', () => {
    const VARIANTS: [string, Record<string, unknown>, 'admitted' | 400][] = [
      ['max_tokens: null', { max_tokens: null }, 'admitted'],
      ['max_completion_tokens: null', { max_completion_tokens: null }, 'admitted'],
      ['both null', { max_tokens: null, max_completion_tokens: null }, 'admitted'],
      ['absent', {}, 'admitted'],
      ['max_tokens: 0', { max_tokens: 0 }, 400],
      ['max_completion_tokens: 0', { max_completion_tokens: 0 }, 400],
      ['max_tokens huge', { max_tokens: CAP * 1000 }, 400],
      ['max_completion_tokens huge, max_tokens null', { max_completion_tokens: CAP * 1000, max_tokens: null }, 400],
    ];
    const cases = (['fast path (API key)', 'Nest route (session)'] as const).flatMap((path) =>
      VARIANTS.map(([name, extra, outcome]) => [path, name, extra, outcome] as const),
    );

    it.each(cases)('%s, %s: overshoot at most one call', async (path, _name, extra, outcome) => {
      const m = await member();
      const budget = await hardBudget(m.token);
      const token = path.startsWith('fast') ? await key(m.token, ['gateway']) : m.token;
      const seenBefore = upstream.seen.length;
      const replies = await Promise.all(
        Array.from({ length: CONCURRENT }, () =>
          api.post(
            '/v1/chat/completions',
            { model: 'gpt-4o', messages: [{ role: 'user', content: 'write forever' }], ...extra },
            as(token),
          ),
        ),
      );
      const statuses = replies.map((r) => r.status);
      if (outcome === 400) {
        expect(new Set(statuses)).toEqual(new Set([400]));
        expect(upstream.seen.length).toBe(seenBefore);
        return;
      }
      // Some calls fit the budget, the rest are refused before anything is sent.
      expect(statuses.every((s) => s === 200 || s === 402)).toBe(true);
      const admitted = statuses.filter((s) => s === 200).length;
      expect(admitted).toBeGreaterThan(0);
      expect(admitted).toBeLessThan(CONCURRENT);
      for (const r of replies.filter((x) => x.status === 402)) expect(r.body.error.code).toBe('budget_exceeded');
      // What reached the upstream always carried a numeric cap no larger than GATEWAY_MAX_TOKENS, never null.
      const sent = upstream.seen.slice(seenBefore).map((s) => s.body);
      expect(sent).toHaveLength(admitted);
      for (const body of sent) {
        const caps = ['max_tokens', 'max_completion_tokens'].filter((k) => k in body).map((k) => body[k]);
        expect(caps.length).toBeGreaterThan(0);
        for (const c of caps) expect(typeof c === 'number' && c <= CAP).toBe(true);
      }
      const b = await settled(m.id, m.token, budget.id, admitted);
      expect(new Dec(b.spent).lte(new Dec(BUDGET).plus(maxCallCost))).toBe(true);
    });

    it.each([
      ['params max_tokens: 0', { max_tokens: 0 }],
      ['params max_completion_tokens: 0', { max_completion_tokens: 0 }],
      ['params max_tokens huge', { max_tokens: CAP * 1000 }],
      ['params max_completion_tokens huge', { max_completion_tokens: CAP * 1000 }],
    ])('chat route, %s: refused before anything is sent', async (_name, params) => {
      const m = await member();
      const budget = await hardBudget(m.token, '0.1');
      const project = need(await api.post('/api/v1/projects', { name: 'chat caps' }, as(m.token)), 201, 'project');
      const seenBefore = upstream.seen.length;
      const replies = await chatAnswers(m.token, project.id, params);
      for (const r of replies) expect(r.text).toMatch(/^event: error\ndata: .*(positive integer|GATEWAY_MAX_TOKENS)/);
      expect(upstream.seen.length).toBe(seenBefore);
      expect((await budgetOf(m.token, budget.id)).spent).toBe('0');
    });

    it.each([
      ['params max_tokens: null', { max_tokens: null }],
      ['no params', {}],
    ])('chat route, %s: overshoot at most one call', async (_name, params) => {
      // The chat asks for 1,024 answer tokens unless the session says otherwise: about $0.01 a call.
      const amount = '0.1';
      const m = await member();
      const budget = await hardBudget(m.token, amount);
      const project = need(await api.post('/api/v1/projects', { name: 'chat budget' }, as(m.token)), 201, 'project');
      const seenBefore = upstream.seen.length;
      const replies = await chatAnswers(m.token, project.id, params);
      const refused = replies.filter((r) => r.text.startsWith('event: error') && r.text.includes('budget'));
      const answered = replies.filter((r) => r.text.includes('event: token'));
      expect(refused.length + answered.length).toBe(CONCURRENT);
      expect(answered.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      for (const s of upstream.seen.slice(seenBefore)) {
        const c = s.body['max_tokens'] ?? s.body['max_completion_tokens'];
        expect(typeof c === 'number' && c <= CAP).toBe(true);
      }
      const b = await settled(m.id, m.token, budget.id, answered.length);
      expect(new Dec(b.spent).lte(new Dec(amount).plus(maxCallCost))).toBe(true);
    });
  });

  describe('findings 3 and 4: exchange rates', () => {
    let eurUser: { id: string; token: string };
    let eurKey = '';
    const today = new Date().toISOString().slice(0, 10);
    // The euro price takes effect in two seconds; the events below happen a second after that (ingest takes
    // timestamps up to five minutes ahead), so no test waits for the clock.
    const eurFrom = new Date(Date.now() + 2000).toISOString();
    const eurAt = new Date(Date.parse(eurFrom) + 1000).toISOString();
    const eurEvent = (k: string, extra: object = {}) => ({
      idempotency_key: k,
      timestamp: eurAt,
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { input_tokens: 1_000_000_000 },
      ...extra,
    });
    const ingest = async (events: object[]) =>
      need(await api.post('/api/v1/usage', { events }, as(eurKey)), 200, 'ingest') as {
        results: { status: string; reason?: string; total_cost?: string; currency?: string }[];
      };

    beforeAll(async () => {
      // gpt-4o-mini billed in euros: €1 per 1M input tokens, so each event below costs €1,000.
      const [mini] = await db.query(
        `SELECT id FROM offerings WHERE provider_slug = 'openai' AND provider_model_id = 'gpt-4o-mini'`,
      );
      const heard = new Promise<void>((resolve) => {
        const off = t.app.get(DataChanges).subscribe((table) => table === 'price_versions' && (off(), resolve()));
      });
      need(
        await api.post(
          `/api/v1/offerings/${mini.id}/prices`,
          {
            effective_from: eurFrom,
            currency: 'EUR',
            reason: 'Billed in euros',
            components: [
              { unit: 'input', amount: '1' },
              { unit: 'output', amount: '2' },
            ],
          },
          as(operator),
        ),
        200,
        'EUR price',
      );
      await heard;
      eurUser = await member();
      eurKey = await key(eurUser.token, ['usage:write', 'gateway']);
    });

    it('finding 4: a USD hard budget counts EUR spend (refusing calls while it cannot convert it)', async () => {
      const budget = await hardBudget(eurUser.token, '1');
      expect((await ingest([eurEvent('eur-1')])).results[0]).toMatchObject({
        status: 'stored',
        total_cost: '1000',
        currency: 'EUR',
      });
      // No EUR rate is known yet: the spend cannot be converted, so the hard budget refuses rather than guess.
      const unconvertible = await api.post(
        '/v1/chat/completions',
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
        as(eurKey),
      );
      expect([unconvertible.status, unconvertible.body.error.code]).toEqual([402, 'budget_unconvertible']);
      expect(unconvertible.body.error.message).toContain('EUR');
      need(
        await api.send('PUT', '/api/v1/fx-rates', {
          token: operator,
          body: { rates: [{ currency: 'EUR', date: today, usd_per_unit: '1.08' }] },
        }),
        200,
        'EUR rate',
      );
      // Converted at the rate known now: €1,000 is $1,080 against a $1 budget.
      expect((await budgetOf(eurUser.token, budget.id)).spent).toBe('1080');
      const refused = await api.post(
        '/v1/chat/completions',
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
        as(eurKey),
      );
      expect([refused.status, refused.body.error.code]).toEqual([402, 'budget_exceeded']);
      // Events recorded once the rate is known carry it, and the budget sums them in USD.
      expect((await ingest([eurEvent('eur-2')])).results[0].status).toBe('stored');
      expect((await budgetOf(eurUser.token, budget.id)).spent).toBe('2160');
    });

    it('finding 3: a zero, tiny or off-band fx_rate is refused on ingest and on PUT /fx-rates', async () => {
      const res = await ingest([
        eurEvent('fx-zero', { fx_rate: '0' }),
        eurEvent('fx-tiny', { fx_rate: '0.000000000001' }),
        eurEvent('fx-far', { fx_rate: '0.44' }),
        eurEvent('fx-close', { fx_rate: '1.09' }),
        eurEvent('fx-null', { fx_rate: null }),
      ]);
      expect(res.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'stored', 'stored']);
      expect(res.results[0].reason).toContain('above 0');
      expect(res.results[1].reason).toContain('between');
      expect(res.results[2].reason).toMatch(/59 % away from the stored rate 1\.08/);
      const stored = await db.query(
        `SELECT idempotency_key, fx_rate::text FROM usage_events WHERE idempotency_key LIKE 'fx-%' ORDER BY 1`,
      );
      expect(stored).toEqual([
        { idempotency_key: 'fx-close', fx_rate: '1.09' },
        { idempotency_key: 'fx-null', fx_rate: '1.08' },
      ]);
      for (const bad of ['0', '0.000000000001', '100000']) {
        const r = await api.send('PUT', '/api/v1/fx-rates', {
          token: operator,
          body: { rates: [{ currency: 'GBP', date: today, usd_per_unit: bad }] },
        });
        expect([bad, r.status, r.body.error.code]).toEqual([bad, 400, 'VALIDATION_FAILED']);
      }
      expect(await db.query(`SELECT count(*)::int AS n FROM fx_rates WHERE currency = 'GBP'`)).toEqual([{ n: 0 }]);
    });
  });

  it('finding 2: a project is an object with members; naming another team’s project neither spends nor escapes its budget', async () => {
    const a = await member();
    const b = await member();
    const [aEmail, bEmail] = (
      await db.query(`SELECT email FROM users WHERE id = ANY($1::uuid[]) ORDER BY email`, [[a.id, b.id]])
    ).map((r: { email: string }) => r.email);
    const project = need(await api.post('/api/v1/projects', { name: 'memA-secret-proj' }, as(a.token)), 201, 'project');
    const budget = need(
      await api.post(
        '/api/v1/budgets',
        {
          name: 'A project cap',
          scope: 'project',
          scope_id: 'memA-secret-proj',
          amount: '1',
          period: 'daily',
          mode: 'hard',
        },
        as(operator),
      ),
      201,
      'project budget',
    );
    expect([budget.scope_id, budget.scope_name]).toEqual([project.id, 'memA-secret-proj']);
    const spend = (k: string, ref: string) => ({
      idempotency_key: k,
      provider: 'openai',
      model: 'gpt-4o',
      project: ref,
      usage: { input_tokens: 1_000_000 },
    });
    // B is not in A's project: by name or by id, the usage is refused, and B's gateway calls cannot name it.
    const refused = need(
      await api.post(
        '/api/v1/usage',
        { events: [spend('b-1', 'memA-secret-proj'), spend('b-2', project.id)] },
        as(b.token),
      ),
      200,
      'B usage',
    );
    expect(refused.results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected']);
    expect(refused.results[0].reason).toContain('No project "memA-secret-proj" that you may use');
    const bKey = await key(b.token, ['gateway']);
    const chat = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 };
    for (const token of [bKey, b.token]) {
      const r = await api.post('/v1/chat/completions', chat, {
        ...as(token),
        headers: { 'x-mph-project': 'memA-secret-proj' },
      });
      expect([r.status, r.body.error.code]).toEqual([404, 'project_not_found']);
    }
    // An unknown name is refused, not created.
    const unknown = await api.post('/v1/chat/completions', chat, {
      ...as(a.token),
      headers: { 'x-mph-project': 'no-such' },
    });
    expect(unknown.status).toBe(404);
    expect(await db.query(`SELECT count(*)::int AS n FROM chat_projects WHERE name = 'no-such'`)).toEqual([{ n: 0 }]);
    expect((await budgetOf(operator, budget.id)).spent).toBe('0');

    // A adds B: B's usage now counts on A's project and its budget, whatever spelling B uses.
    const members = need(
      await api.post(`/api/v1/projects/${project.id}/members`, { email: bEmail }, as(a.token)),
      200,
      'add B',
    );
    expect(members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      [aEmail, 'owner'],
      [bEmail, 'member'],
    ]);
    expect((await api.post(`/api/v1/projects/${project.id}/members`, { email: aEmail }, as(b.token))).status).toBe(403);
    const accepted = need(
      await api.post('/api/v1/usage', { events: [spend('b-3', 'MEMA-secret-proj')] }, as(b.token)),
      200,
      'B usage',
    );
    expect(accepted.results[0].status).toBe('stored');
    expect((await budgetOf(operator, budget.id)).spent).toBe('2.5');
    // The budget is now spent: calls naming the project by name or id get 402, for A and for B.
    for (const [token, ref] of [
      [a.token, 'memA-secret-proj'],
      [bKey, project.id],
    ]) {
      const r = await api.post('/v1/chat/completions', chat, { ...as(token), headers: { 'x-mph-project': ref } });
      expect([r.status, r.body.error.code]).toEqual([402, 'budget_exceeded']);
    }
    // Renaming the project does not escape its budget (it is on the project, not on a name); the old name is gone.
    need(await api.patch(`/api/v1/projects/${project.id}`, { name: 'renamed' }, as(a.token)), 200, 'rename');
    const renamed = await api.post('/v1/chat/completions', chat, {
      ...as(a.token),
      headers: { 'x-mph-project': 'renamed' },
    });
    expect([renamed.status, renamed.body.error.code]).toEqual([402, 'budget_exceeded']);
    const oldName = await api.post('/v1/chat/completions', chat, {
      ...as(a.token),
      headers: { 'x-mph-project': 'memA-secret-proj' },
    });
    expect(oldName.status).toBe(404);
    // B leaves: B can no longer use it.
    need(await api.delete(`/api/v1/projects/${project.id}/members/${b.id}`, as(b.token)), 204, 'B leaves');
    const after = need(
      await api.post('/api/v1/usage', { events: [spend('b-4', project.id)] }, as(b.token)),
      200,
      'B usage',
    );
    expect(after.results[0].status).toBe('rejected');
  });

  it('finding 5: a usage:read key reads budgets but cannot create or delete them; budgets:write can', async () => {
    const m = await member();
    const budget = await hardBudget(m.token);
    const reader = await key(m.token, ['usage:read']);
    const writer = await key(m.token, ['budgets:write']);
    expect((await api.get('/api/v1/budgets', as(reader))).status).toBe(200);
    const body = { name: 'from a key', scope: 'user', amount: '5', period: 'daily', mode: 'hard' };
    const create = await api.post('/api/v1/budgets', body, as(reader));
    expect([create.status, create.body.error.code]).toEqual([403, 'API_KEY_SCOPE']);
    const remove = await api.delete(`/api/v1/budgets/${budget.id}`, as(reader));
    expect([remove.status, remove.body.error.code]).toEqual([403, 'API_KEY_SCOPE']);
    expect(await budgetOf(m.token, budget.id)).toBeDefined();
    const made = need(await api.post('/api/v1/budgets', body, as(writer)), 201, 'budgets:write creates');
    need(await api.delete(`/api/v1/budgets/${made.id}`, as(writer)), 204, 'budgets:write deletes');
  });
});
