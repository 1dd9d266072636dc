import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { writeOpenAiError } from './serve-completion';

/** `/v1` routes answer errors in OpenAI's shape (see writeOpenAiError). */
@Catch()
export class OpenAiErrorsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    writeOpenAiError(http.getResponse<Response>(), exception, http.getRequest<Request>().originalUrl);
  }
}
