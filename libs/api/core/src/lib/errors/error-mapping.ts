import { HttpException } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, ErrorEnvelope, STATUS_CODES, envelope } from './domain-error';

export interface MappedError {
  status: number;
  body: ErrorEnvelope;
  /** True for errors the client did not cause: they are logged with their stack. */
  unexpected: boolean;
}

/** PostgreSQL SQLSTATE codes that mean "the database is not reachable right now". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

function messageOf(response: unknown, fallback: string): string {
  if (typeof response === 'string') return response;
  if (response && typeof response === 'object' && 'message' in response) {
    const m = (response as { message: unknown }).message;
    if (typeof m === 'string') return m;
    if (Array.isArray(m)) return m.join('; ');
  }
  return fallback;
}

function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown };
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATES.has(e.code) || UNAVAILABLE_ERRNOS.has(e.code))) return true;
  if (
    typeof e.message === 'string' &&
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(e.message)
  ) {
    return true;
  }
  return e.driverError !== undefined && e.driverError !== error && isDatabaseUnavailable(e.driverError);
}

/** Turns anything thrown into a status and the error envelope; never exposes stacks or SQL. */
export function mapError(error: unknown): MappedError {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      body: envelope(error.code, error.message, error.details),
      unexpected: error.status >= 500,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
    const details =
      response && typeof response === 'object' && 'details' in response
        ? (response as { details: unknown }).details
        : undefined;
    // @nestjs/terminus answers a failed check with its result: `{ status: 'error', error: { <check>: ... } }`.
    if (
      status === 503 &&
      response &&
      typeof response === 'object' &&
      (response as { status?: unknown }).status === 'error'
    ) {
      const failing = Object.keys((response as { error?: object }).error ?? {});
      return {
        status,
        body: envelope('NOT_READY', `Not ready: ${failing.join(', ') || 'a dependency'} unavailable.`, details),
        unexpected: false,
      };
    }
    return { status, body: envelope(code, messageOf(response, error.message), details), unexpected: status >= 500 };
  }
  // Errors raised by Express middleware (body-parser) carry `status` and `type`.
  if (error && typeof error === 'object' && 'type' in error && 'status' in error) {
    const e = error as { status: number; type: string; limit?: number };
    if (e.type === 'entity.too.large') {
      return {
        status: 413,
        body: envelope('PAYLOAD_TOO_LARGE', `Request body is larger than the limit of ${e.limit} bytes.`, {
          limit_bytes: e.limit,
        }),
        unexpected: false,
      };
    }
    if (e.type === 'entity.too.deep' || e.type === 'entity.lone.surrogate') {
      const { code, message } = error as unknown as { code: string; message: string };
      return { status: 400, body: envelope(code, message), unexpected: false };
    }
    if (e.type === 'entity.parse.failed') {
      return { status: 400, body: envelope('INVALID_JSON', 'Request body is not valid JSON.'), unexpected: false };
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return {
        status: e.status,
        body: envelope(STATUS_CODES[e.status] ?? 'BAD_REQUEST', 'The request could not be read.'),
        unexpected: false,
      };
    }
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      body: envelope('SERVICE_UNAVAILABLE', 'The database is unavailable. Retry shortly.'),
      unexpected: true,
    };
  }
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: string } | undefined)?.code;
    // Data the database cannot take (NUL in text, a malformed or out-of-range value, a missing required value):
    // validation should have said so first; answer 400 all the same, and log it as a gap in validation.
    if (code && (code.startsWith('22') || code === '23502' || code === '23514')) {
      return {
        status: 400,
        body: envelope(
          code === '22021' || code === '22P05' ? 'INVALID_TEXT' : 'INVALID_VALUE',
          code === '22021' || code === '22P05'
            ? 'Text in the request holds a character that cannot be stored (such as NUL, \\u0000). Remove it and retry.'
            : 'A value in the request is malformed, out of range or missing. Check the request against the API reference.',
        ),
        unexpected: true,
      };
    }
    if (code === '57014') {
      return {
        status: 503,
        body: envelope('SERVICE_UNAVAILABLE', 'The database took too long to answer. Retry shortly.'),
        unexpected: true,
      };
    }
  }
  return {
    status: 500,
    body: envelope('INTERNAL_ERROR', 'Something went wrong on our side. The error has been logged.'),
    unexpected: true,
  };
}

/**
 * Writes an error answer as JSON whatever the route had set up for success: a CSV route's content type and
 * attachment name must not label the error envelope.
 */
export function sendErrorJson(res: Response, status: number, body: unknown): void {
  res.removeHeader('Content-Disposition');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.status(status).json(body);
}

/** An error in OpenAI's shape, as the `/v1` routes answer (so the official SDKs raise the matching exception). */
export interface OpenAiError {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

const OPENAI_TYPE_BY_STATUS: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  402: ['insufficient_quota', 'insufficient_quota'],
  403: ['invalid_request_error', 'permission_denied'],
  404: ['invalid_request_error', 'not_found'],
  413: ['invalid_request_error', 'request_too_large'],
  429: ['rate_limit_exceeded', 'rate_limit_exceeded'],
};

/** A mapped error (see mapError) in OpenAI's shape: OpenAI's type and code for the status, else ours in lower case. */
export function toOpenAiError(mapped: MappedError): OpenAiError {
  const [type, code] =
    OPENAI_TYPE_BY_STATUS[mapped.status] ??
    (mapped.status >= 500 ? ['api_error', null] : ['invalid_request_error', null]);
  return {
    message: mapped.body.error.message,
    type,
    param: null,
    code: code ?? mapped.body.error.code.toLowerCase(),
  };
}
