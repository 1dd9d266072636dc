import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { mapError } from '@mph/api-core';
import type { Request, Response } from 'express';
import { GatewayError } from './gateway.service';

const TYPE_BY_STATUS: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  402: ['insufficient_quota', 'insufficient_quota'],
  403: ['invalid_request_error', 'permission_denied'],
  404: ['invalid_request_error', 'not_found'],
  413: ['invalid_request_error', 'request_too_large'],
  429: ['rate_limit_exceeded', 'rate_limit_exceeded'],
};

/**
 * `/v1` speaks OpenAI's error shape, `{"error":{"message","type","param","code"}}`, with the matching status, so
 * the official SDKs raise the right exception (AuthenticationError, RateLimitError, NotFoundError …).
 */
@Catch()
export class OpenAiErrorsFilter implements ExceptionFilter {
  private readonly log = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    let status: number;
    let error: { message: string; type: string; param: string | null; code: string | null };
    if (exception instanceof GatewayError) {
      status = exception.status;
      error = { message: exception.message, type: exception.type, param: exception.param, code: exception.code };
      if (exception.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    } else {
      const mapped = mapError(exception);
      status = mapped.status;
      if (mapped.unexpected) this.log.error({ err: exception, url: req.originalUrl }, 'gateway request failed');
      const [type, code] =
        TYPE_BY_STATUS[status] ?? (status >= 500 ? ['api_error', null] : ['invalid_request_error', null]);
      error = {
        message: mapped.body.error.message,
        type,
        param: null,
        code: code ?? mapped.body.error.code.toLowerCase(),
      };
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status === 499 ? 400 : status).json({ error });
  }
}
