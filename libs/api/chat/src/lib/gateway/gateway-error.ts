import { UpstreamError } from '../providers/upstream';

/** The OpenAI-style failure of a call: HTTP status, error type and code. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null,
    readonly param: string | null = null,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** An upstream failure (or anything else) as the OpenAI-style error the client sees. */
export function toGatewayError(e: unknown): GatewayError {
  if (e instanceof GatewayError) return e;
  if (e instanceof UpstreamError) {
    const message = `Upstream error: ${e.message}`;
    if (e.kind === 'timeout') return new GatewayError(504, message, 'api_error', 'upstream_timeout');
    if (e.kind === 'blocked') return new GatewayError(502, message, 'api_error', 'upstream_blocked');
    if (e.kind === 'http' && e.status === 429) {
      return new GatewayError(
        429,
        message,
        'rate_limit_exceeded',
        e.upstream?.code ?? 'rate_limit_exceeded',
        null,
        e.retryAfterMs !== undefined ? Math.ceil(e.retryAfterMs / 1000) : undefined,
      );
    }
    // Only a 4xx is the caller's to see (it usually says what was wrong with the request); a 1xx/3xx from an
    // upstream is not an answer an OpenAI client can act on and becomes a 502 like any other upstream fault.
    if (e.kind === 'http' && e.status && e.status >= 400 && e.status < 500) {
      return new GatewayError(
        e.status === 401 || e.status === 403 ? 502 : e.status,
        e.status === 401 || e.status === 403 ? `${message} (the connection's key was refused)` : message,
        e.upstream?.type ?? 'invalid_request_error',
        e.upstream?.code ?? null,
        e.upstream?.param ?? null,
      );
    }
    return new GatewayError(502, message, 'api_error', 'upstream_error');
  }
  return new GatewayError(500, 'The gateway failed unexpectedly.', 'api_error', 'internal_error');
}
