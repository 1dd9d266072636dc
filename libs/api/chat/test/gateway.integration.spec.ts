import type { TestApp } from '@mph/api-core/testing';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PricedEvent, UsageIngestService } from '@mph/api-cost-tracking';
import { PricingReadModel } from '@mph/api-pricing';
import { ConnectionsService, UsageRecorder } from '../src';
import { createChatTestApp, FakeUpstream, userToken } from '../testing';

type Who = 'admin' | 'member' | 'other';

describe('the OpenAI-compatible gateway, proven with the official openai SDK', () => {
  let t: TestApp;
  let db: DataSource;
  let base = '';
  const a = new FakeUpstream();
  const b = new FakeUpstream();
  const token = {} as Record<Who, string>;
  const key = {} as Record<Who, string>;
  let connA = '';

  const api = (who: Who) => ({
    post: (path: string, body: object) =>
      request(t.app.getHttpServer()).post(path).set('Authorization', `Bearer ${token[who]}`).send(body),
    patch: (path: string, body: object) =>
      request(t.app.getHttpServer()).patch(path).set('Authorization', `Bearer ${token[who]}`).send(body),
    get: (path: string) => request(t.app.getHttpServer()).get(path).set('Authorization', `Bearer ${token[who]}`),
  });
  const sdk = (who: Who | string) =>
    new OpenAI({ apiKey: who in key ? key[who as Who] : who, baseURL: `${base}/v1`, maxRetries: 0 });
  const events = async (where = 'true') => {
    await t.app.get(UsageRecorder).drained();
    return db.query(
      `SELECT idempotency_key, provider, model, status, error_class, input_tokens::int, output_tokens::int,
              total_cost::text, project FROM usage_events WHERE ${where} ORDER BY id`,
    );
  };

  beforeAll(async () => {
    await a.start();
    await b.start();
    t = await createChatTestApp();
    db = t.app.get(DataSource);
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [who, role] of [
      ['admin', 'admin'],
      ['member', 'member'],
      ['other', 'member'],
    ] as const) {
      token[who] = await userToken(t, who, role, 'gateway.test');
      key[who] = (
        await api(who)
          .post('/api/v1/api-keys', { name: 'sdk', scopes: ['gateway'] })
          .expect(201)
      ).body.key;
    }
    const shared = (name: string, url: string, priority: number, apiKey: string) =>
      api('admin')
        .post('/api/v1/connections', {
          name,
          base_url: url,
          provider: 'openai',
          api_key: apiKey,
          shared: true,
          priority,
          max_retries: 2,
          models: [{ model: 'gpt-4o-mini' }],
        })
        .expect(201);
    connA = (await shared('Upstream A', a.url, 10, 'sk-upstream-A-secret')).body.id;
    await shared('Upstream B', b.url, 20, 'sk-upstream-B-secret');
  });
  afterAll(async () => {
    await t.close();
    await a.stop();
    await b.stop();
  });

  it('answers a non-streamed completion, priced, with the cost in x-mph-cost-usd and one usage event', async () => {
    const { data, response } = await sdk('member')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi there' }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Echo from gpt-4o-mini: Hi there');
    expect(data.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 5 });
    // 3 × $0.15/M + 5 × $0.60/M
    expect(response.headers.get('x-mph-cost-usd')).toBe('0.00000345');
    const tx = response.headers.get('x-mph-transaction-id');
    expect(a.seen.at(-1)?.authorization).toBe('Bearer sk-upstream-A-secret');
    expect(await events(`idempotency_key = '${tx}'`)).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'gpt-4o-mini',
        status: 'success',
        input_tokens: 3,
        output_tokens: 5,
        total_cost: '0.00000345',
      }),
    ]);
  });

  it('matches and prices a call once: the recorded event carries that offering and cost, ingest does not redo it', async () => {
    const pricing = t.app.get(PricingReadModel);
    const ingest = t.app.get(UsageIngestService);
    const spies = {
      resolve: jest.spyOn(pricing, 'resolveOrError'),
      offering: jest.spyOn(pricing, 'offeringOrError'),
      priceAt: jest.spyOn(pricing, 'priceAt'),
      snapshot: jest.spyOn(pricing, 'snapshot'),
      cost: jest.spyOn(pricing, 'usageCost'),
      ingest: jest.spyOn(ingest, 'ingest'),
      store: jest.spyOn(ingest, 'store'),
    };
    try {
      for (const stream of [false, true]) {
        Object.values(spies).forEach((s) => s.mockClear());
        const res = await sdk('member').chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `count me once ${stream}` }],
          stream,
        });
        if (stream) for await (const _chunk of res as AsyncIterable<unknown>) void _chunk;
        await t.app.get(UsageRecorder).drained();
        const [event] = await db.query(
          `SELECT idempotency_key, total_cost::text, offering_id::text FROM usage_events ORDER BY id DESC LIMIT 1`,
        );
        expect(spies.resolve.mock.calls.length + spies.offering.mock.calls.length).toBe(1);
        expect(spies.priceAt).toHaveBeenCalledTimes(1);
        expect(spies.cost).toHaveBeenCalledTimes(1);
        expect(spies.snapshot).not.toHaveBeenCalled();
        expect(spies.ingest).not.toHaveBeenCalled();
        expect(spies.store).toHaveBeenCalledTimes(1);
        const priced = spies.cost.mock.results[0].value as { total: string; offering: { offering_id: string } };
        expect(event.total_cost).toBe(priced.total);
        expect(event.offering_id).toBe(priced.offering.offering_id);
      }
    } finally {
      Object.values(spies).forEach((s) => s.mockRestore());
    }
  });

  it('streams token by token; include_usage adds the usage chunk (with our cost), then [DONE]', async () => {
    const stream = await sdk('member').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream me please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let contentChunks = 0;
    let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) {
        text += delta;
        contentChunks++;
      }
      last = chunk;
    }
    expect(text).toBe('Echo from gpt-4o-mini: stream me please');
    expect(contentChunks).toBe(6);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ completion_tokens: 6 });
    expect((last as unknown as { x_mph: { cost_usd: string } }).x_mph.cost_usd).toMatch(/^0\.0000\d+$/);
  });

  it('always asks the upstream for usage, and hides the usage chunk from clients that did not ask', async () => {
    const before = (await events()).length;
    const stream = await sdk('member').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'no usage for me' }],
      stream: true,
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => !c.usage)).toBe(true);
    expect(a.seen.at(-1)?.body['stream_options']).toEqual({ include_usage: true });
    const after = await events();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ status: 'success', output_tokens: 7 });
  });

  it('retries a 429 (honouring Retry-After) and succeeds; the client sees one answer', async () => {
    const seen = a.seen.length;
    a.enqueue({ kind: 'status', status: 429, retryAfter: '0' });
    const res = await sdk('member').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'again' }],
    });
    expect(res.choices[0].message.content).toBe('Echo from gpt-4o-mini: again');
    expect(a.seen.length).toBe(seen + 2);
  });

  it('refuses a bad key with 401 and an unknown model with 404, in OpenAI’s error shape', async () => {
    await expect(
      sdk('mph_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb').chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 401, code: 'invalid_api_key', constructor: OpenAI.AuthenticationError });
    await expect(
      sdk('member').chat.completions.create({ model: 'gpt-9-imaginary', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found', constructor: OpenAI.NotFoundError });
    const raw = await request(t.app.getHttpServer())
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.member}`)
      .send({ model: 'gpt-4o-mini', messages: [] })
      .expect(400);
    expect(raw.body).toEqual({
      error: {
        message: "'messages' must be a non-empty array.",
        type: 'invalid_request_error',
        param: 'messages',
        code: null,
      },
    });
  });

  it('answers API keys on the fast path as the full pipeline does; other callers take the Nest route, alike', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Same either way?' }] };
    const server = t.app.getHttpServer();
    // An API key, JSON: the fast path (security headers, request id, cost header, access to the same services).
    const fast = await request(server)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.member}`)
      .send(body)
      .expect(200);
    expect(fast.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-request-id': expect.any(String),
      'x-mph-cost-usd': expect.stringMatching(/^\d+\.\d+$/),
    });
    // A browser (Origin) and a signed-in user (JWT) go through the Nest route: CORS headers, same answer.
    const browser = await request(server)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.member}`)
      .set('Origin', 'http://localhost:4200')
      .send(body)
      .expect(200);
    expect(browser.headers['access-control-allow-origin']).toBe('http://localhost:4200');
    const user = await request(server)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${token.member}`)
      .send(body)
      .expect(200);
    expect(user.body.choices[0].message.content).toBe(fast.body.choices[0].message.content);
    // Which way each went: only the Nest pipeline runs the CORS middleware, which marks answers `Vary: Origin`.
    expect(fast.headers['vary']).toBeUndefined();
    expect(user.headers['vary']).toBe('Origin');
    // Errors in OpenAI's shape on the fast path: bad JSON, a body past GATEWAY_MAX_BODY_BYTES, a key without the scope.
    const bad = await request(server)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.member}`)
      .set('Content-Type', 'application/json')
      .send('{"model":')
      .expect(400);
    expect(bad.body).toEqual({
      error: {
        message: 'Request body is not valid JSON.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_json',
      },
    });
    const huge = await request(server)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.member}`)
      .send({ ...body, messages: [{ role: 'user', content: 'x'.repeat(4 * 1024 * 1024 + 1) }] })
      .expect(413);
    expect(huge.body.error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
    const readOnly = (
      await api('member')
        .post('/api/v1/api-keys', { name: 'read only', scopes: ['catalog:read'] })
        .expect(201)
    ).body.key;
    const scoped = await request(server)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${readOnly}`)
      .send(body)
      .expect(403);
    expect(scoped.body.error).toMatchObject({
      code: 'permission_denied',
      message: 'This API key lacks the scope this route needs (one of: gateway).',
    });
    // Fast and full-pipeline answers are measured under the route's name.
    const metrics = await request(t.app.getHttpServer()).get('/metrics').expect(200);
    const count = (status: number) =>
      Number(
        new RegExp(
          `http_request_duration_seconds_count\\{method="POST",route="/v1/chat/completions",status="${status}"\\} (\\d+)`,
        ).exec(metrics.text)?.[1] ?? 0,
      );
    expect(count(200)).toBeGreaterThanOrEqual(3);
    expect(count(403)).toBeGreaterThanOrEqual(1);
  });

  it('lists only the models the key may use', async () => {
    const list = await sdk('member').models.list();
    expect(list.data.map((m) => m.id).sort()).toEqual(['gpt-4o-mini', 'local/echo']);
  });

  it('serves the local echo model but keeps it out of the public catalog', async () => {
    const search = await request(t.app.getHttpServer()).get('/api/v1/models?q=echo').expect(200);
    expect(search.body.data.map((m: { id: string }) => m.id)).not.toContain('local/echo');
    const detail = await request(t.app.getHttpServer()).get('/api/v1/models/local/echo').expect(200);
    expect(detail.body).toMatchObject({ id: 'local/echo', provider_count: 1, cheapest: { input: '0', output: '0' } });
  });

  it('fails over to the next connection when one keeps failing, and records the call once', async () => {
    const seenB = b.seen.length;
    a.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 });
    const { data, response } = await sdk('member')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'fail over' }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Echo from gpt-4o-mini: fail over');
    expect(b.seen.length).toBe(seenB + 1);
    expect(b.seen.at(-1)?.authorization).toBe('Bearer sk-upstream-B-secret');
    const tx = response.headers.get('x-mph-transaction-id');
    expect(await events(`idempotency_key = '${tx}'`)).toHaveLength(1);
  });

  it('treats an upstream redirect (302) as the connection’s fault: fails over instead of passing the status on', async () => {
    const seenB = b.seen.length;
    a.enqueue({ kind: 'status', status: 302 });
    const data = await sdk('member').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'redirected' }],
    });
    expect(data.choices[0].message.content).toBe('Echo from gpt-4o-mini: redirected');
    expect(b.seen.length).toBe(seenB + 1);
  });

  it('ends a stream that drops mid-way with an error event, and records what was streamed once, as partial', async () => {
    a.enqueue({ kind: 'drop', afterChunks: 2 });
    const stream = await sdk('member').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'this will break' }],
      stream: true,
    });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })(),
    ).rejects.toThrow(/dropped the stream|ended the stream/);
    expect(text).toBe('Echo from ');
    const partial = await events(`status = 'partial'`);
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatchObject({ error_class: 'upstream_error', output_tokens: 3 });
  });

  it('aborts the upstream call when the client goes away, and still records the partial usage', async () => {
    a.enqueue({ kind: 'ok', chunkDelayMs: 20, text: 'one two three four five six seven eight nine ten eleven twelve' });
    const recorded = new Promise<PricedEvent['e']>((resolve) => {
      const off = t.app.get(UsageRecorder).onStored(({ e }) => {
        if (e.errorClass === 'client_closed') {
          off();
          resolve(e);
        }
      });
    });
    const abort = new AbortController();
    const stream = await sdk('member').chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'long answer' }], stream: true },
      { signal: abort.signal },
    );
    // The SDK ends the iteration quietly when its own signal aborts.
    for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) abort.abort();
    const aborted = await a.abortedRequest();
    expect(aborted.body['messages']).toEqual([{ role: 'user', content: 'long answer' }]);
    expect(await recorded).toMatchObject({ status: 'partial', provider: 'openai', model: 'gpt-4o-mini' });
    const closed = await events(`error_class = 'client_closed'`);
    expect(closed).toHaveLength(1);
    expect(closed[0].status).toBe('partial');
  });

  it('blocks a call over a hard budget with 402 before the upstream is called', async () => {
    const budget = await api('member')
      .post('/api/v1/budgets', { scope: 'user', name: 'tiny', amount: '0.000001', period: 'daily', mode: 'hard' })
      .expect(201);
    const seen = a.seen.length + b.seen.length;
    await expect(
      sdk('member').chat.completions.create({
        model: 'gpt-4o-mini',
        max_tokens: 1000,
        messages: [{ role: 'user', content: 'over budget' }],
      }),
    ).rejects.toMatchObject({ status: 402, code: 'budget_exceeded' });
    expect(a.seen.length + b.seen.length).toBe(seen);
    // The other member has no such budget; without it the member's calls pass again.
    await sdk('other').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ok' }] });
    await request(t.app.getHttpServer())
      .delete(`/api/v1/budgets/${budget.body.id}`)
      .set('Authorization', `Bearer ${token.member}`)
      .expect(204);
    await sdk('member').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ok' }] });
  });

  it('serves the local echo provider offline: streamed, labelled, free', async () => {
    const stream = await sdk('other').chat.completions.create({
      model: 'local/echo',
      messages: [{ role: 'user', content: 'ping' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let cost: string | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      cost ??= (chunk as unknown as { x_mph?: { cost_usd: string } }).x_mph?.cost_usd;
    }
    expect(text).toBe('[local echo, not a real model] You said: ping');
    expect(cost).toBe('0');
  });

  it('keeps connection keys encrypted: not in the table, not in a database dump', async () => {
    const rows = await db.query(`SELECT api_key_sealed, api_key_hint FROM provider_connections WHERE id = $1`, [connA]);
    expect(rows[0].api_key_sealed).toMatch(/^v1:/);
    expect(rows[0].api_key_hint).toBe('…cret');
    const dump = execFileSync('pg_dump', [t.db.url], { maxBuffer: 256 * 1024 * 1024 }).toString();
    expect(dump).toContain(rows[0].api_key_sealed);
    expect(dump).not.toContain('sk-upstream-A-secret');
    const listed = await api('admin').get(`/api/v1/connections/${connA}`).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain('sk-upstream');
    expect(listed.body).toMatchObject({ has_key: true, key_hint: '…cret' });
  });

  it('keeps members apart: another member’s connection is invisible and does not serve them', async () => {
    const own = await api('member')
      .post('/api/v1/connections', {
        name: 'My private upstream',
        base_url: b.url,
        provider: 'openai',
        models: [{ model: 'private-model', upstream_model: 'gpt-4o-mini' }],
      })
      .expect(201);
    await api('other').get(`/api/v1/connections/${own.body.id}`).expect(404);
    // Members see shared connections, not where they point.
    const shared = await api('other').get(`/api/v1/connections/${connA}`).expect(200);
    expect(shared.body).toMatchObject({ shared: true, base_url: null, has_key: true });
    await api('other').patch(`/api/v1/connections/${own.body.id}`, { enabled: false }).expect(404);
    expect(
      (await api('other').get('/api/v1/connections').expect(200)).body.data.map((c: { id: string }) => c.id),
    ).not.toContain(own.body.id);
    await expect(
      sdk('other').chat.completions.create({ model: 'private-model', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404 });
    const mine = await sdk('member').chat.completions.create({
      model: 'private-model',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(mine.choices[0].message.content).toBe('Echo from gpt-4o-mini: x');
    // Members cannot change shared connections, nor reach private addresses without the allow-list.
    await api('member').patch(`/api/v1/connections/${connA}`, { enabled: false }).expect(403);
    const blocked = await api('member')
      .post('/api/v1/connections', { name: 'metadata', base_url: 'http://169.254.169.254/v1' })
      .expect(400);
    expect(blocked.body.error.code).toBe('URL_NOT_ALLOWED');
  });

  it('answers a repeated temperature-0 call from the response cache: upstream not called, recorded as cached and free', async () => {
    await api('admin')
      .post('/api/v1/connections', {
        name: 'Cached',
        base_url: b.url,
        provider: 'openai',
        shared: true,
        response_cache_seconds: 60,
        models: [{ model: 'cached-mini', upstream_model: 'gpt-4o-mini' }],
      })
      .expect(201);
    const ask = (temperature: number) =>
      sdk('other')
        .chat.completions.create({ model: 'cached-mini', temperature, messages: [{ role: 'user', content: 'same' }] })
        .withResponse();
    const seen = b.seen.length;
    const first = await ask(0);
    const second = await ask(0);
    expect(b.seen.length).toBe(seen + 1);
    expect(second.data).toEqual(first.data);
    expect(first.response.headers.get('x-mph-cache')).toBeNull();
    expect(second.response.headers.get('x-mph-cache')).toBe('hit');
    expect(second.response.headers.get('x-mph-cost-usd')).toBe('0');
    await ask(0.7);
    expect(b.seen.length).toBe(seen + 2);
    const tx = second.response.headers.get('x-mph-transaction-id');
    expect(await events(`idempotency_key = '${tx}'`)).toEqual([
      expect.objectContaining({ status: 'cached', total_cost: '0', input_tokens: first.data.usage?.prompt_tokens }),
    ]);
  });

  it('opens the breaker after repeated failures (calls skip that connection), shown on the connection', async () => {
    await api('admin').patch(`/api/v1/connections/${connA}`, { breaker_failures: 2, max_retries: 0 }).expect(200);
    const seenB = b.seen.length;
    a.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    for (const content of ['first', 'second']) {
      await sdk('other').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    }
    const seenA = a.seen.length;
    await sdk('other').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'third' }],
    });
    expect(a.seen.length).toBe(seenA); // skipped while open
    expect(b.seen.length).toBe(seenB + 3);
    const shown = await api('admin').get(`/api/v1/connections/${connA}`).expect(200);
    expect(shown.body.breaker).toEqual({ state: 'open', consecutive_failures: 2 });
    expect(
      t.app
        .get(ConnectionsService)
        .breakerStates()
        .find((s) => s.id === connA)?.level,
    ).toBe(2);
    const metrics = await request(t.app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toContain(`gateway_circuit_state{connection="${connA}"} 2`);
    expect(metrics.text).toMatch(/gateway_usage_events_pending \d+/);
  });

  it('limits requests per key (token bucket): 429 with Retry-After in OpenAI’s shape, until the limit is removed', async () => {
    const keys = await api('member').get('/api/v1/api-keys').expect(200);
    const keyId = (keys.body.data ?? keys.body).find((k: { name: string }) => k.name === 'sdk').id;
    await request(t.app.getHttpServer())
      .put('/api/v1/gateway/limits')
      .set('Authorization', `Bearer ${token.member}`)
      .send({ scope: 'api_key', scope_id: keyId, requests_per_minute: 2 })
      .expect(403);
    const limit = await request(t.app.getHttpServer())
      .put('/api/v1/gateway/limits')
      .set('Authorization', `Bearer ${token.admin}`)
      .send({ scope: 'api_key', scope_id: keyId, requests_per_minute: 2 })
      .expect(200);
    const ask = () =>
      request(t.app.getHttpServer())
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${key.member}`)
        .send({ model: 'local/echo', messages: [{ role: 'user', content: 'limited' }] });
    await ask().expect(200);
    await ask().expect(200);
    const refused = await ask().expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' });
    expect(refused.body.error.message).toContain('2 requests per minute for this API key');
    await expect(
      sdk('member').chat.completions.create({ model: 'local/echo', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 429, constructor: OpenAI.RateLimitError });
    // Other keys are not limited; removing the limit lets the key through again.
    await sdk('other').chat.completions.create({ model: 'local/echo', messages: [{ role: 'user', content: 'x' }] });
    await request(t.app.getHttpServer())
      .delete(`/api/v1/gateway/limits/${limit.body.id}`)
      .set('Authorization', `Bearer ${token.admin}`)
      .expect(204);
    await ask().expect(200);
  });
});
