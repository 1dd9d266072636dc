import { Injectable } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { safeUrl } from '../logging/logging.module';
import type { MetricsService } from '../metrics/metrics.service';
import { requestId } from './request-id';

/** A fast handler gets Node's own request and response (not Express's); `pass()` hands them to the full pipeline. */
export type FastHandler = (req: IncomingMessage & { id?: string }, res: ServerResponse, pass: () => void) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Hot endpoints answered ahead of Express and Nest (router, body parsers, per-request child loggers, guards,
 * interceptors), for paths where that pipeline's fixed cost is the bulk of the latency: the LLM gateway. A domain
 * module registers a handler for an exact method and path; configureApp attaches the dispatcher to the HTTP server,
 * in front of Express. For a registered path the dispatcher does what the pipeline's first steps would (request id,
 * security headers, the latency metric, an access-log line as pino-http writes it); the handler does the rest
 * (authentication, limits, body limits, errors in its route's shape) or calls `pass()` to hand the request, untouched,
 * to Express.
 */
@Injectable()
export class FastRoutes {
  private readonly handlers = new Map<string, FastHandler>();

  register(method: string, path: string, handler: FastHandler): void {
    this.handlers.set(`${method} ${path}`, handler);
  }

  /** Puts the dispatcher in front of the server's request listeners (Express). */
  attach(server: Server, options: { headers: Middleware; metrics: MetricsService }): void {
    const pipeline = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    const toPipeline = (req: IncomingMessage, res: ServerResponse) => {
      for (const listener of pipeline) listener.call(server, req, res);
    };
    server.on('request', (req: IncomingMessage & { id?: string }, res: ServerResponse) => {
      const query = req.url?.indexOf('?') ?? -1;
      const path = query < 0 ? req.url : req.url?.slice(0, query);
      const handler = this.handlers.size ? this.handlers.get(`${req.method} ${path}`) : undefined;
      if (!handler) return toPipeline(req, res);
      const started = performance.now();
      const stop = options.metrics.httpDuration.startTimer();
      let handled = true;
      res.once('close', () => {
        if (!handled) return;
        stop({ method: req.method, route: path, status: String(res.statusCode) });
        accessLog(req, res, started);
      });
      req.id = requestId(req, res);
      options.headers(req, res, () =>
        handler(req, res, () => {
          // Handed to the full pipeline, which measures and logs it itself.
          handled = false;
          res.removeHeader('X-Request-Id');
          toPipeline(req, res);
        }),
      );
    });
  }
}

/** One line per request, as pino-http writes it (level by status; the URL without secrets). */
function accessLog(req: IncomingMessage & { id?: string }, res: ServerResponse, started: number): void {
  const log = PinoLogger.root;
  if (!log) return;
  const status = res.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 || !res.writableFinished ? 'warn' : 'info';
  if (!log.isLevelEnabled(level)) return;
  log[level](
    {
      request_id: req.id,
      req: { method: req.method, url: safeUrl(req.url) },
      // The logger's `res` serializer reads statusCode (as from a ServerResponse) and writes it as `status`.
      res: { statusCode: status },
      responseTime: Math.round(performance.now() - started),
    },
    res.writableFinished ? 'request completed' : 'request aborted',
  );
}
