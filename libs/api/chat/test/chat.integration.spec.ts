import type { TestApp } from '@mph/api-core/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { UsageRecorder } from '../src';
import { promptTokens } from '../src/lib/tokens/tokenizer';
import { createChatTestApp, FakeUpstream, makePdf, userToken } from '../testing';

type Who = 'admin' | 'member' | 'other';

/** The events of an SSE body: [event, data] pairs. */
function sse(text: string): [string, Record<string, unknown>][] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
      return [event, JSON.parse(data)];
    });
}

describe('chat: projects, versioned prompts, sessions and streamed answers', () => {
  let t: TestApp;
  let db: DataSource;
  const fake = new FakeUpstream();
  const token = {} as Record<Who, string>;
  const as = (who: Who) => ({
    get: (path: string) => request(t.app.getHttpServer()).get(path).set('Authorization', `Bearer ${token[who]}`),
    post: (path: string, body: object) =>
      request(t.app.getHttpServer()).post(path).set('Authorization', `Bearer ${token[who]}`).send(body),
    patch: (path: string, body: object) =>
      request(t.app.getHttpServer()).patch(path).set('Authorization', `Bearer ${token[who]}`).send(body),
  });

  beforeAll(async () => {
    await fake.start();
    t = await createChatTestApp();
    db = t.app.get(DataSource);
    for (const [who, role] of [
      ['admin', 'admin'],
      ['member', 'member'],
      ['other', 'member'],
    ] as const) {
      token[who] = await userToken(t, who, role, 'chat.test');
    }
    await as('admin')
      .post('/api/v1/connections', {
        name: 'Fake OpenAI',
        base_url: fake.url,
        provider: 'openai',
        shared: true,
        models: [{ model: 'gpt-4o-mini' }],
      })
      .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  it('keeps prompt versions: a session records the version it started with', async () => {
    const project = (
      await as('member').post('/api/v1/projects', { name: 'Support', default_model: 'gpt-4o-mini' }).expect(201)
    ).body;
    const prompt = await as('member')
      .post('/api/v1/prompts', {
        name: 'Persona',
        template: 'You answer questions about {{product}}.',
        project_id: project.id,
      })
      .expect(201);
    expect(prompt.body.versions).toEqual([
      expect.objectContaining({
        version: 1,
        variables: ['product'],
        template: 'You answer questions about {{product}}.',
      }),
    ]);
    await as('member').patch(`/api/v1/projects/${project.id}`, { system_prompt_id: prompt.body.id }).expect(200);
    const session = await as('member')
      .post('/api/v1/sessions', { project_id: project.id, variables: { product: 'Acme' } })
      .expect(201);
    expect(session.body).toMatchObject({
      model: 'gpt-4o-mini',
      prompt_version_id: prompt.body.versions[0].id,
      items: [],
    });
    const edited = await as('member')
      .post(`/api/v1/prompts/${prompt.body.id}/versions`, { template: 'Be brief about {{product}}.' })
      .expect(201);
    expect(edited.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    // The answer streams through the gateway with the session's (version 1) system prompt.
    const sent = await as('member')
      .post(`/api/v1/sessions/${session.body.id}/messages`, { content: 'What does it cost?' })
      .expect(201);
    expect(sent.body.assistant_message).toMatchObject({ role: 'assistant', status: 'pending' });
    const streamed = await request(t.app.getHttpServer()).get(sent.body.stream_url).expect(200);
    const events = sse(streamed.text);
    const tokens = events.filter(([e]) => e === 'token').map(([, d]) => d['text']);
    expect(tokens.join('')).toBe('Echo from gpt-4o-mini: What does it cost?');
    const [doneEvent, done] = events.at(-1) as [string, Record<string, unknown>];
    expect(doneEvent).toBe('done');
    expect(done).toMatchObject({
      status: 'complete',
      content: 'Echo from gpt-4o-mini: What does it cost?',
      provider: 'openai',
      currency: 'USD',
      usage: { input_tokens: expect.any(Number), output_tokens: 7 },
    });
    expect(Number(done['cost'])).toBeGreaterThan(0);
    expect(done['latency_ms']).toEqual(expect.any(Number));
    expect(fake.seen.at(-1)?.body['messages']).toEqual([
      { role: 'system', content: 'You answer questions about Acme.' },
      { role: 'user', content: 'What does it cost?' },
    ]);

    // The title comes from the first message; the usage event names the project and the session.
    const detail = await as('member').get(`/api/v1/sessions/${session.body.id}`).expect(200);
    expect(detail.body.title).toBe('What does it cost?');
    expect(detail.body.items.map((m: { role: string; status: string }) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    await t.app.get(UsageRecorder).drained();
    const [event] = await db.query(
      `SELECT project, session_id, total_cost::text AS cost FROM usage_events WHERE idempotency_key = $1`,
      [done['transaction_id']],
    );
    expect(event).toEqual({ project: project.id, session_id: session.body.id, cost: done['cost'] });

    // A stream opens once; a forged ticket opens nothing.
    await request(t.app.getHttpServer()).get(sent.body.stream_url).expect(409);
    await request(t.app.getHttpServer())
      .get(sent.body.stream_url.replace(/ticket=[^&]+/, 'ticket=1.2.3'))
      .expect(401);

    // The next turn sends the history.
    const second = await as('member')
      .post(`/api/v1/sessions/${session.body.id}/messages`, { content: 'And per month?' })
      .expect(201);
    await request(t.app.getHttpServer()).get(second.body.stream_url).expect(200);
    expect((fake.seen.at(-1)?.body['messages'] as unknown[]).length).toBe(4);
  });

  it('answers another member’s projects, prompts and sessions with 404', async () => {
    const project = (await as('member').post('/api/v1/projects', { name: 'Private' }).expect(201)).body;
    const session = (await as('member').post('/api/v1/sessions', { project_id: project.id }).expect(201)).body;
    expect(session.model).toBe('local/echo');
    await as('other').get(`/api/v1/projects/${project.id}`).expect(404);
    await as('other').get(`/api/v1/projects/${project.id}/sessions`).expect(404);
    await as('other').get(`/api/v1/sessions/${session.id}`).expect(404);
    await as('other').post(`/api/v1/sessions/${session.id}/messages`, { content: 'hi' }).expect(404);
    await as('other').post('/api/v1/sessions', { project_id: project.id }).expect(404);
    expect((await as('other').get('/api/v1/projects').expect(200)).body.data).toEqual([]);
  });

  it('reports a missing prompt variable as the answer’s error, and keeps the session usable', async () => {
    const project = (await as('other').post('/api/v1/projects', { name: 'Vars' }).expect(201)).body;
    const prompt = (
      await as('other').post('/api/v1/prompts', { name: 'Needs', template: 'Talk like {{persona}}.' }).expect(201)
    ).body;
    const session = (
      await as('other')
        .post('/api/v1/sessions', { project_id: project.id, prompt_version_id: prompt.versions[0].id })
        .expect(201)
    ).body;
    const sent = await as('other').post(`/api/v1/sessions/${session.id}/messages`, { content: 'hello' }).expect(201);
    const events = sse((await request(t.app.getHttpServer()).get(sent.body.stream_url).expect(200)).text);
    expect(events.at(-1)?.[0]).toBe('error');
    expect(events.at(-1)?.[1]).toMatchObject({ status: 'error', error: 'The prompt needs values for: persona.' });
    await as('other')
      .patch(`/api/v1/sessions/${session.id}`, { variables: { persona: 'a pirate' } })
      .expect(200);
    const again = await as('other').post(`/api/v1/sessions/${session.id}/messages`, { content: 'hello' }).expect(201);
    const ok = sse((await request(t.app.getHttpServer()).get(again.body.stream_url).expect(200)).text);
    expect(ok.at(-1)?.[1]).toMatchObject({
      status: 'complete',
      content: '[local echo, not a real model] You said: hello',
    });
  });

  it('reads attached text files into the message the model sees, and refuses other files with what to do', async () => {
    const project = (await as('member').post('/api/v1/projects', { name: 'Files' }).expect(201)).body;
    const session = (
      await as('member').post('/api/v1/sessions', { project_id: project.id, model: 'gpt-4o-mini' }).expect(201)
    ).body;
    const send = (attachments: object[]) =>
      as('member').post(`/api/v1/sessions/${session.id}/messages`, { content: 'Summarise', attachments });
    const pptx = await send([{ name: 'slides.pptx', text: 'PK' }]).expect(415);
    expect(pptx.body.error).toMatchObject({ code: 'UNSUPPORTED_FILE' });
    expect(pptx.body.error.message).toContain('send txt, md, csv, json or pdf');
    const big = await send([{ name: 'big.txt', text: 'x'.repeat(600 * 1024) }]).expect(413);
    expect(big.body.error.code).toBe('FILE_TOO_LARGE');
    await send([{ name: 'bad.json', text: '{nope' }]).expect(400);
    expect((await as('member').get(`/api/v1/sessions/${session.id}`).expect(200)).body.items).toEqual([]);

    const sent = await send([{ name: 'prices.csv', text: 'model,input\ngpt-4o-mini,0.15' }]).expect(201);
    expect(sent.body.user_message.attachments).toEqual([{ name: 'prices.csv', media_type: 'text/csv', bytes: 28 }]);
    await request(t.app.getHttpServer()).get(sent.body.stream_url).expect(200);
    expect(fake.seen.at(-1)?.body['messages']).toEqual([
      { role: 'user', content: 'Summarise\n\nFile: prices.csv (csv)\n```\nmodel,input\ngpt-4o-mini,0.15\n```' },
    ]);
  });

  it('reads the text of attached PDFs (pdf.js in a worker) and says clearly why a PDF cannot be read', async () => {
    const project = (await as('member').post('/api/v1/projects', { name: 'PDFs' }).expect(201)).body;
    const session = (
      await as('member').post('/api/v1/sessions', { project_id: project.id, model: 'gpt-4o-mini' }).expect(201)
    ).body;
    const send = (name: string, data: Buffer | string) =>
      as('member').post(`/api/v1/sessions/${session.id}/messages`, {
        content: 'Summarise',
        attachments: [{ name, data: Buffer.isBuffer(data) ? data.toString('base64') : data }],
      });

    const notPdf = await send('notes.pdf', Buffer.from('just some text')).expect(400);
    expect(notPdf.body.error).toMatchObject({ code: 'INVALID_FILE' });
    expect(notPdf.body.error.message).toContain('is not a PDF');
    const broken = await send('broken.pdf', Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF')).expect(
      400,
    );
    expect(broken.body.error.message).toMatch(/"broken.pdf" is not a readable PDF .* Paste the text instead/);
    const scan = await send('scan.pdf', makePdf([[]])).expect(422);
    expect(scan.body.error).toMatchObject({ code: 'PDF_NO_TEXT' });
    expect(scan.body.error.message).toContain('OCR is not supported');
    const huge = await send('huge.pdf', Buffer.alloc(2 * 1024 * 1024 + 1, 32)).expect(413);
    expect(huge.body.error.message).toContain('PDFs are limited to 2 MB');
    const wordy = makePdf(Array.from({ length: 120 }, () => Array.from({ length: 50 }, () => 'x'.repeat(90))));
    const long = await send('wordy.pdf', wordy).expect(413);
    expect(long.body.error.message).toContain('has more text than');
    const missing = await send('empty.pdf', '').expect(400);
    expect(missing.body.error.message).toContain('needs its name and base64 data');
    expect((await as('member').get(`/api/v1/sessions/${session.id}`).expect(200)).body.items).toEqual([]);

    const pdf = makePdf([['Quarterly prices (USD)', 'gpt-4o-mini input 0.15'], ['Page two: output 0.60']]);
    const sent = await send('report.pdf', pdf).expect(201);
    expect(sent.body.user_message.attachments).toEqual([
      { name: 'report.pdf', media_type: 'application/pdf', bytes: pdf.length, pages: 2 },
    ]);
    await request(t.app.getHttpServer()).get(sent.body.stream_url).expect(200);
    expect(fake.seen.at(-1)?.body['messages']).toEqual([
      {
        role: 'user',
        content:
          'Summarise\n\nFile: report.pdf (pdf)\n```\nQuarterly prices (USD)\ngpt-4o-mini input 0.15\n\nPage two: output 0.60\n```',
      },
    ]);
  });

  it('trims the oldest turns to fit the model’s context window, counted with its tokenizer', async () => {
    const project = (await as('member').post('/api/v1/projects', { name: 'Long talk' }).expect(201)).body;
    const session = (
      await as('member')
        .post('/api/v1/sessions', { project_id: project.id, model: 'gpt-4o-mini', params: { max_tokens: 50 } })
        .expect(201)
    ).body;
    // Each turn: "Turn N" + 40 × " word" (~42 tokens of content + 4 of framing).
    const say = async (n: number) => {
      const sent = await as('member')
        .post(`/api/v1/sessions/${session.id}/messages`, { content: `Turn ${n}` + ' word'.repeat(40) })
        .expect(201);
      await request(t.app.getHttpServer()).get(sent.body.stream_url).expect(200);
      return fake.seen.at(-1)?.body['messages'] as { role: string; content: string }[];
    };
    const where = `provider_slug = 'openai' AND provider_model_id = 'gpt-4o-mini'`;
    const [before] = await db.query(`SELECT id, context_window FROM offerings WHERE ${where}`);
    await db.query(`UPDATE offerings SET context_window = 250 WHERE id = $1`, [before.id]);
    try {
      expect((await say(1)).length).toBe(1);
      const second = await say(2);
      expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      // The fake answers with the question, so each message is ~46 tokens: 250 less 50 for the answer holds four.
      // Turn 1 no longer fits, and its answer is not kept alone: the conversation starts at turn 2.
      const third = await say(3);
      expect(third.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(third[0].content).toMatch(/^Turn 2 /);
      expect(third.at(-1)?.content).toMatch(/^Turn 3 /);
      expect(promptTokens(third, 'gpt-4o-mini')).toBeLessThanOrEqual(250 - 50);
      expect(promptTokens([...second.slice(0, 2), ...third], 'gpt-4o-mini')).toBeGreaterThan(250 - 50);
    } finally {
      await db.query(`UPDATE offerings SET context_window = $2 WHERE id = $1`, [before.id, before.context_window]);
    }
  });

  it('lists the models a member can chat with, each with the connection serving it and its price now', async () => {
    const models = (await as('member').get('/api/v1/chat/models').expect(200)).body.data as Record<string, unknown>[];
    const mini = models.find((m) => m['model'] === 'gpt-4o-mini');
    expect(mini).toMatchObject({ via: 'Fake OpenAI', provider: 'openai', context_window: expect.any(Number) });
    const [price] = await db.query(
      `SELECT c.unit, c.amount::text FROM price_components c JOIN price_versions v ON v.id = c.version_id
         JOIN offerings o ON o.id = v.offering_id
        WHERE o.provider_slug = 'openai' AND o.provider_model_id = 'gpt-4o-mini' AND v.effective_to IS NULL
          AND v.service_tier = 'standard' AND v.region = '' AND c.unit = 'input' AND c.prompt_tokens_above = 0`,
    );
    expect(mini?.['price']).toMatchObject({ currency: 'USD', input_per_mtok: price.amount });
    expect(models.find((m) => m['model'] === 'local/echo')).toMatchObject({
      provider: 'local',
      price: { input_per_mtok: '0', output_per_mtok: '0' },
    });
    await request(t.app.getHttpServer()).get('/api/v1/chat/models').expect(401);
  });
});
