import { checkFeedUrl, FeedFetchError, guardedLookup, hostAllowed, portOf } from '@mph/api-core';
import http from 'node:http';
import https from 'node:https';
import { RETRYABLE_STATUSES, retryAfterMs } from './retry';
import { SseParser } from './sse';

/** Where and how to call one OpenAI-compatible upstream. */
export interface UpstreamTarget {
  id: string;
  baseUrl: string;
  apiKey?: string;
  connectTimeoutMs: number;
  firstTokenTimeoutMs: number;
  totalTimeoutMs: number;
  /** Hosts that may resolve to private addresses (PROVIDER_ALLOWED_HOSTS). */
  allowedHosts: string[];
}

export type UpstreamErrorKind = 'network' | 'timeout' | 'http' | 'protocol' | 'blocked' | 'aborted';

/** A failed upstream call; `retryable` says whether another attempt (or connection) may succeed. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly kind: UpstreamErrorKind,
    readonly status?: number,
    readonly retryAfterMs?: number,
    /** The upstream's own error object (OpenAI shape), when it sent one. */
    readonly upstream?: { message?: string; type?: string; code?: string | null; param?: string | null },
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  get retryable(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout') return true;
    return this.kind === 'http' && this.status !== undefined && RETRYABLE_STATUSES.has(this.status);
  }
}

export type ChatChunk = Record<string, unknown>;

export type UpstreamResult =
  | { kind: 'json'; body: Record<string, unknown> }
  | {
      kind: 'stream';
      /** Chunks after `[DONE]`-terminated parsing; throws UpstreamError when the stream breaks off. */
      chunks: AsyncIterable<ChatChunk>;
      abort: () => void;
    };

const agents = new Map<string, http.Agent>();
/** One keep-alive pool per connection and origin: no TCP or TLS handshake per call. */
function agentFor(target: UpstreamTarget, url: URL): http.Agent {
  const key = `${target.id} ${url.origin}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 512, scheduling: 'lifo' as const };
    agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

interface CheckedRoute {
  url: URL;
  lookup: ReturnType<typeof guardedLookup>;
}

/** Per target (a connection as loaded; replaced when it changes): its endpoint, checked once, and the DNS guard. */
const routesChecked = new WeakMap<UpstreamTarget, CheckedRoute>();

function checkedRoute(target: UpstreamTarget): CheckedRoute {
  let route = routesChecked.get(target);
  if (!route) {
    const url = checkFeedUrl(
      `${target.baseUrl.replace(/\/+$/, '')}/chat/completions`,
      target.allowedHosts,
      'PROVIDER_ALLOWED_HOSTS',
    );
    route = {
      url,
      lookup: guardedLookup(hostAllowed(url.hostname, target.allowedHosts, portOf(url)), 'PROVIDER_ALLOWED_HOSTS'),
    };
    routesChecked.set(target, route);
  }
  return route;
}

/** Closes idle sockets kept for connections (tests, shutdown). */
export function closeUpstreamAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

const MAX_JSON_BYTES = 64 * 1024 * 1024;
const MAX_ERROR_BYTES = 64 * 1024;

/**
 * POSTs a chat completion to an upstream and resolves once it is safe to commit to it: with the parsed JSON answer,
 * or, for streams, once the first chunk arrived (so a failure before any token can still be retried elsewhere).
 * Connect, first-token and total timeouts apply; `signal` aborts the call (the client went away).
 */
export function postChatCompletion(
  target: UpstreamTarget,
  body: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<UpstreamResult> {
  let route: CheckedRoute;
  try {
    route = checkedRoute(target);
  } catch (e) {
    return Promise.reject(new UpstreamError((e as Error).message, 'blocked'));
  }
  const { url, lookup } = route;
  const payload = JSON.stringify(body);
  const streaming = body['stream'] === true;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<UpstreamResult>((resolve, reject) => {
    let settled = false;
    let firstTokenTimer: NodeJS.Timeout | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    const clear = () => [totalTimer, firstTokenTimer, connectTimer].forEach((t) => t && clearTimeout(t));
    const fail = (e: UpstreamError) => {
      clear();
      req.destroy();
      if (!settled) {
        settled = true;
        reject(e);
      }
    };
    const onAbort = () => fail(new UpstreamError('The caller went away.', 'aborted'));
    if (signal?.aborted) return reject(new UpstreamError('The caller went away.', 'aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });

    const req = client.request(url, {
      method: 'POST',
      agent: agentFor(target, url),
      lookup: lookup as never,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        accept: streaming ? 'text/event-stream' : 'application/json',
        ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
      },
    });
    // Declared after `clear` and `fail` (which only run later, from events) so it can be const.
    const totalTimer = setTimeout(
      () => fail(new UpstreamError(`${url.host} did not answer within ${target.totalTimeoutMs} ms.`, 'timeout')),
      target.totalTimeoutMs,
    );
    if (streaming) {
      firstTokenTimer = setTimeout(
        () =>
          fail(
            new UpstreamError(`${url.host} sent no first token within ${target.firstTokenTimeoutMs} ms.`, 'timeout'),
          ),
        target.firstTokenTimeoutMs,
      );
    }
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(
        () =>
          fail(
            new UpstreamError(
              `${url.host} did not accept a connection within ${target.connectTimeoutMs} ms.`,
              'timeout',
            ),
          ),
        target.connectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof UpstreamError) return fail(e);
      const blocked = e.code === 'EBLOCKED' || e instanceof FeedFetchError;
      fail(new UpstreamError(`${url.host}: ${e.message}`, blocked ? 'blocked' : 'network'));
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        readAll(res, MAX_ERROR_BYTES)
          .then((text) => {
            let upstream: UpstreamError['upstream'];
            try {
              upstream = (JSON.parse(text) as { error?: UpstreamError['upstream'] }).error;
            } catch {
              upstream = undefined;
            }
            fail(
              new UpstreamError(
                upstream?.message ?? `${url.host} answered ${status}.`,
                'http',
                status,
                retryAfterMs(res.headers['retry-after']),
                upstream,
              ),
            );
          })
          .catch(() => fail(new UpstreamError(`${url.host} answered ${status}.`, 'http', status)));
        return;
      }
      if (!streaming) {
        readAll(res, MAX_JSON_BYTES)
          .then((text) => {
            // Parse before settling: a 200 whose body is not a JSON object must fail the call, not leave it hanging.
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            if (!body || typeof body !== 'object' || Array.isArray(body)) {
              return fail(
                new UpstreamError(`${url.host} answered ${status} with a body that is not a JSON object.`, 'protocol'),
              );
            }
            clear();
            signal?.removeEventListener('abort', onAbort);
            settled = true;
            resolve({ kind: 'json', body: body as Record<string, unknown> });
          })
          .catch((e: Error) =>
            fail(
              e instanceof UpstreamError
                ? e
                : new UpstreamError(`${url.host} sent an unreadable answer: ${e.message}`, 'protocol'),
            ),
          );
        return;
      }
      const chunks = streamChunks(res, url.host);
      const iterator = chunks[Symbol.asyncIterator]();
      iterator
        .next()
        .then((first) => {
          // The first-token timer is done; the total timer keeps running until the stream ends.
          clearTimeout(firstTokenTimer);
          if (settled) return;
          settled = true;
          const total = totalTimer;
          const abort = () => {
            clearTimeout(total);
            req.destroy();
          };
          resolve({
            kind: 'stream',
            abort,
            chunks: (async function* () {
              try {
                if (!first.done) yield first.value;
                for (;;) {
                  const next = await iterator.next();
                  if (next.done) return;
                  yield next.value;
                }
              } finally {
                clearTimeout(total);
                signal?.removeEventListener('abort', onAbort);
              }
            })(),
          });
        })
        .catch((e: Error) =>
          fail(e instanceof UpstreamError ? e : new UpstreamError(`${url.host}: ${e.message}`, 'protocol')),
        );
    });
    req.end(payload);
  });
}

function readAll(res: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        res.destroy();
        reject(new UpstreamError(`The answer is larger than ${max} bytes.`, 'protocol'));
      } else parts.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    res.on('error', (e) => reject(new UpstreamError(e.message, 'network')));
    res.on('aborted', () => reject(new UpstreamError('The upstream closed the connection mid-answer.', 'network')));
  });
}

/** The `data:` events of an SSE body as parsed chunks, ending at `[DONE]`; a stream cut short throws. */
async function* streamChunks(res: http.IncomingMessage, host: string): AsyncGenerator<ChatChunk> {
  const parser = new SseParser();
  res.setEncoding('utf8');
  try {
    for await (const text of res as AsyncIterable<string>) {
      for (const data of parser.push(text)) {
        if (data === '[DONE]') return;
        let chunk: ChatChunk;
        try {
          chunk = JSON.parse(data) as ChatChunk;
        } catch {
          throw new UpstreamError(`${host} sent an event that is not JSON.`, 'protocol');
        }
        if (chunk['error']) {
          const e = chunk['error'] as UpstreamError['upstream'];
          throw new UpstreamError(e?.message ?? `${host} reported an error mid-stream.`, 'http', 500, undefined, e);
        }
        yield chunk;
      }
    }
  } catch (e) {
    if (e instanceof UpstreamError) throw e;
    throw new UpstreamError(`${host} dropped the stream: ${(e as Error).message}`, 'network');
  }
  throw new UpstreamError(`${host} ended the stream without [DONE].`, 'network');
}

/** GET {base}/models: what "test connection" shows. */
export async function listUpstreamModels(target: UpstreamTarget): Promise<string[]> {
  let url: URL;
  try {
    url = checkFeedUrl(`${target.baseUrl.replace(/\/+$/, '')}/models`, target.allowedHosts, 'PROVIDER_ALLOWED_HOSTS');
  } catch (e) {
    throw new UpstreamError((e as Error).message, 'blocked');
  }
  const client = url.protocol === 'https:' ? https : http;
  const text = await new Promise<string>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'GET',
        lookup: guardedLookup(
          hostAllowed(url.hostname, target.allowedHosts, portOf(url)),
          'PROVIDER_ALLOWED_HOSTS',
        ) as never,
        headers: { accept: 'application/json', ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}) },
        timeout: Math.min(target.totalTimeoutMs, 15_000),
      },
      (res) => {
        readAll(res, MAX_JSON_BYTES)
          .then((t) =>
            (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300
              ? resolve(t)
              : reject(
                  // The answer's body is not echoed: a connection test must not read out internal services.
                  new UpstreamError(
                    `${url.host} answered HTTP ${res.statusCode} to GET /models.`,
                    'http',
                    res.statusCode,
                  ),
                ),
          )
          .catch(reject);
      },
    );
    req.on('timeout', () => req.destroy(new UpstreamError(`${url.host} did not answer in time.`, 'timeout')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e instanceof UpstreamError
          ? e
          : new UpstreamError(`${url.host}: ${e.message}`, e.code === 'EBLOCKED' ? 'blocked' : 'network'),
      ),
    );
    req.end();
  });
  try {
    const data = (JSON.parse(text) as { data?: { id?: unknown }[] }).data ?? [];
    return data.map((m) => String(m.id)).filter(Boolean);
  } catch {
    throw new UpstreamError(`${url.host} did not answer with a model list.`, 'protocol');
  }
}
