import { Injectable } from '@nestjs/common';
import type { Route } from '../connections/connections.service';
import { localEcho } from '../providers/local-echo';
import { backoffMs } from '../providers/retry';
import { postChatCompletion, UpstreamError, UpstreamResult } from '../providers/upstream';
import type { Call, Started } from './call';
import { CallPricing } from './call-pricing.service';
import { CallRecorder } from './call-recorder.service';
import { GatewayError, toGatewayError } from './gateway-error';
import { ResponseCache } from './response-cache';

const MAX_RETRY_WAIT_MS = 20_000;
const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Sends a call to the connections that serve its model, in failover order: the response cache first (when the
 * connection allows it), retries with backoff and jitter on network errors, 408, 429 (honouring Retry-After) and 5xx,
 * the circuit breaker of each connection, the next connection when one keeps failing. A call served by a later
 * connection is priced as that connection's offering.
 */
@Injectable()
export class UpstreamAttempts {
  private readonly responses = new ResponseCache();

  constructor(
    private readonly pricing: CallPricing,
    private readonly recording: CallRecorder,
  ) {}

  async attempt(call: Call, routes: Route[]): Promise<Started> {
    let last: unknown;
    for (const route of routes) {
      const { connection } = route;
      if (!connection.breaker.tryPass()) {
        last = new UpstreamError(`Connection "${connection.row.name}" is paused (circuit open).`, 'network');
        continue;
      }
      const body: Record<string, unknown> = { ...call.request, model: route.upstreamModel };
      const cacheKey = ResponseCache.key(route, body);
      const hit = cacheKey ? this.responses.get(cacheKey) : undefined;
      if (hit) {
        call.route = route;
        if (route !== routes[0]) call.pricing = await this.pricing.pricing(route, call.startedAt);
        call.firstByteAt = performance.now();
        const summary = this.recording.finish(call, { status: 'cached', response: hit });
        return { kind: 'json', call, body: hit, summary, cached: true };
      }
      // Usage is always asked for, so every streamed call is priced; the client sees the usage chunk only if it asked.
      if (body['stream'] === true)
        body['stream_options'] = { ...(call.request.stream_options ?? {}), include_usage: true };
      for (let attempt = 0; ; attempt++) {
        try {
          const result: UpstreamResult =
            connection.row.kind === 'local'
              ? localEcho(body)
              : await postChatCompletion(connection.target, body, call.ctx.signal);
          connection.breaker.success();
          call.route = route;
          // Failover: the call is priced (and recorded) as the connection that served it.
          if (route !== routes[0]) call.pricing = await this.pricing.pricing(route, call.startedAt);
          if (result.kind === 'json') {
            call.firstByteAt = performance.now();
            if (cacheKey) this.responses.set(cacheKey, result.body, connection.row.response_cache_seconds);
            const summary = this.recording.finish(call, { status: 'success', response: result.body });
            return { kind: 'json', call, body: result.body, summary };
          }
          return { kind: 'stream', call, chunks: result.chunks, abort: result.abort };
        } catch (e) {
          last = e;
          if (!(e instanceof UpstreamError)) throw e;
          if (e.kind === 'aborted')
            throw new GatewayError(499, 'The client closed the request.', 'aborted', 'client_closed');
          const status = e.kind === 'http' ? (e.status ?? 0) : 0;
          // The caller's own mistakes (400, 404, 422 …) are not the connection's: no retry, no failover.
          if (status >= 400 && status < 500 && ![401, 403, 408, 409, 425, 429].includes(status)) {
            throw toGatewayError(e);
          }
          // Network faults, timeouts, 5xx, 408 and answers that are not answers (1xx/3xx: a misconfigured base URL)
          // count against the connection's breaker; the next connection is tried.
          if (e.kind !== 'http' || status >= 500 || status === 408 || status < 400) connection.breaker.failure();
          const retryIn = e.retryAfterMs ?? backoffMs(attempt);
          if (!e.retryable || attempt >= connection.row.max_retries || retryIn > MAX_RETRY_WAIT_MS) break;
          if (!connection.breaker.tryPass()) break;
          await wait(retryIn, call.ctx.signal);
          if (call.ctx.signal.aborted) {
            throw new GatewayError(499, 'The client closed the request.', 'aborted', 'client_closed');
          }
        }
      }
    }
    throw toGatewayError(last);
  }
}
