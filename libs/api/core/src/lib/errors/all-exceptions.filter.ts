import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { mapError, sendErrorJson } from './error-mapping';

/** The one place errors become HTTP responses: `{ "error": { code, message, details } }`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const mapped = mapError(exception);
    if (mapped.unexpected) {
      this.logger.error({ err: exception, method: req.method, url: req.originalUrl }, 'request failed');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendErrorJson(res, mapped.status, mapped.body);
  }
}
