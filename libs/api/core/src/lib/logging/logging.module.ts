import { DynamicModule, Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { requestId } from '../http/request-id';

/** Paths that would drown the log at info level (probes and scrapes). */
const QUIET_PATHS = /^\/(api\/v1\/health\/|metrics)/;

/** Everything that must never reach a log line. */
export const REDACTED_PATHS = [
  'password',
  'token',
  'api_key',
  'secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.api_key',
  '*.secret',
];

const SECRET_QUERY = /([?&](?:api_key|apikey|key|token|access_token|refresh_token|password)=)[^&#]*/gi;

/** A request URL fit for a log line: secret-looking query parameters are masked. */
export function safeUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[redacted]');
}

/** pino-http settings: JSON lines, the request id on every line of a request, secrets redacted, probes quiet. */
export function pinoHttpOptions(config: AppConfig): Options<IncomingMessage, ServerResponse> {
  return {
    level: config.log.level,
    // configureApp() assigns the id first, so even requests the body parser rejects carry one.
    genReqId: (req: IncomingMessage, res: ServerResponse) => (req as { id?: string }).id ?? requestId(req, res),
    customProps: (req: IncomingMessage) => ({ request_id: (req as { id?: string }).id }),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (QUIET_PATHS.test(req.url ?? '')) return 'debug';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    serializers: {
      // Headers are left out on purpose: they carry credentials.
      req: (req: { method: string; url: string }) => ({ method: req.method, url: safeUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    transport: config.log.pretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  };
}

/** Structured JSON logs (pino); every line of a request carries its request id. */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(config), forRoutes: ['*path'] })],
    };
  }
}
