import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * What the fake does with one request. Default: answer. Faults: an HTTP error (with Retry-After), a stream that drops
 * the connection after some chunks, a slow first token, or no answer at all.
 */
export type Behaviour =
  | { kind: 'ok'; text?: string; firstTokenDelayMs?: number; chunkDelayMs?: number }
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  | { kind: 'drop'; afterChunks: number }
  | { kind: 'hang' };

export interface SeenRequest {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** The client went away before the answer was complete. */
  aborted: boolean;
}

/** The models the fake lists: OpenRouter's recorded list when ../shared is there, else a few. */
function recordedModels(): { id: string }[] {
  for (const dir of [join(process.cwd(), '..', 'shared', 'data'), join(__dirname, '../../../../../shared/data')]) {
    const file = join(dir, 'openrouter', 'models.json');
    if (existsSync(file)) {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { data: { id: string }[] };
      return data.data.map((m) => ({ id: m.id }));
    }
  }
  return [{ id: 'gpt-4o-mini' }, { id: 'gpt-4o' }, { id: 'o3' }];
}

/** Deterministic token estimate of the prompt (4 characters a token), as a real server would count it. */
function promptTokens(body: Record<string, unknown>): number {
  const messages = (body['messages'] as { content?: unknown }[] | undefined) ?? [];
  const chars = messages.reduce((n, m) => n + JSON.stringify(m.content ?? '').length, 0);
  return Math.max(1, Math.ceil(chars / 4));
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = (body['messages'] as { role: string; content?: unknown }[] | undefined) ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : 'hello';
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A local upstream that speaks the OpenAI Chat Completions wire format exactly: JSON answers with `usage`, SSE streams
 * of `chat.completion.chunk` objects (`data:` lines, a usage chunk with empty choices when `stream_options.
 * include_usage`, then `data: [DONE]`), `GET /v1/models`, and OpenAI's error body. Behaviours are queued per test.
 */
export class FakeUpstream {
  readonly seen: SeenRequest[] = [];
  private readonly queue: Behaviour[] = [];
  private server?: http.Server;
  private readonly models = recordedModels();
  url = '';
  /**
   * When set, the fake is a model that writes until it is stopped: its usage reports as many completion tokens as
   * the request's cap (`max_completion_tokens`, else `max_tokens`) allows, or this many when the request has none.
   */
  writesUntil: number | null = null;

  /** The next requests behave like this, in order; then the fake answers normally again. */
  enqueue(...behaviours: Behaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Resolves when a request has been seen aborted by its client (no sleeps in tests). */
  async abortedRequest(): Promise<SeenRequest> {
    for (;;) {
      const hit = this.seen.find((s) => s.aborted);
      if (hit) return hit;
      await new Promise<void>((r) => this.onAbort.push(r));
    }
  }
  private onAbort: (() => void)[] = [];

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ object: 'list', data: this.models.map((m) => ({ ...m, object: 'model', owned_by: 'fake' })) }),
      );
      return;
    }
    if (req.method !== 'POST' || url !== '/v1/chat/completions') {
      return this.error(res, 404, `Unknown path ${url}`, 'invalid_request_error', 'not_found');
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return this.error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    }
    const seen: SeenRequest = { path: url, authorization: req.headers.authorization, body, aborted: false };
    this.seen.push(seen);
    let dropped = false;
    res.on('close', () => {
      if (!res.writableFinished && !dropped) {
        seen.aborted = true;
        this.onAbort.splice(0).forEach((r) => r());
      }
    });
    const behaviour = this.queue.shift() ?? { kind: 'ok' };
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'status') {
      const type =
        behaviour.status === 429
          ? 'rate_limit_exceeded'
          : behaviour.status >= 500
            ? 'server_error'
            : 'invalid_request_error';
      return this.error(
        res,
        behaviour.status,
        behaviour.message ?? `Fake upstream answered ${behaviour.status}.`,
        type,
        null,
        behaviour.retryAfter,
      );
    }
    const model = String(body['model'] ?? 'unknown');
    const text =
      behaviour.kind === 'ok' && behaviour.text ? behaviour.text : `Echo from ${model}: ${lastUserText(body)}`;
    const tokens = text.split(/(?<= )/);
    const prompt = promptTokens(body);
    const cap = [body['max_completion_tokens'], body['max_tokens']].find((v) => typeof v === 'number') as
      number | undefined;
    const completion = this.writesUntil === null ? tokens.length : (cap ?? this.writesUntil);
    const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    const id = `chatcmpl-fake${this.seen.length}`;
    const created = Math.floor(Date.now() / 1000);
    if (behaviour.kind === 'ok' && behaviour.firstTokenDelayMs) await wait(behaviour.firstTokenDelayMs);
    if (!body['stream']) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: text, refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage,
          system_fingerprint: 'fp_fake',
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // Each frame is handed to the socket before the next step, so a drop happens after what was sent arrived.
    const frame = (o: object) => new Promise<void>((r) => res.write(`data: ${JSON.stringify(o)}\n\n`, () => r()));
    const chunk = (delta: object, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    await frame(chunk({ role: 'assistant', content: '' }, null));
    for (let i = 0; i < tokens.length; i++) {
      if (behaviour.kind === 'drop' && i === behaviour.afterChunks) {
        dropped = true;
        res.socket?.destroy();
        return;
      }
      if (behaviour.kind === 'ok' && behaviour.chunkDelayMs) await wait(behaviour.chunkDelayMs);
      if (seen.aborted) return;
      await frame(chunk({ content: tokens[i] }, null));
    }
    await frame(chunk({}, 'stop'));
    const options = body['stream_options'] as { include_usage?: boolean } | undefined;
    if (options?.include_usage)
      await frame({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  private error(
    res: http.ServerResponse,
    status: number,
    message: string,
    type: string,
    code: string | null,
    retryAfter?: string,
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
    res.end(JSON.stringify({ error: { message, type, param: null, code } }));
  }
}
