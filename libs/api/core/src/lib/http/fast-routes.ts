import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { safeUrl } from '../logging/logging.module';

export type FastHandler = (req: Request, res: Response, next: NextFunction) => void;

/**
 * Hot endpoints answered ahead of the Express and Nest pipeline (body parsers, per-request child loggers, guards,
 * interceptors), for paths where that pipeline's fixed cost is the bulk of the latency: the LLM gateway. A domain
 * module registers a handler for an exact method and path; configureApp mounts the dispatcher right after request
 * ids and metrics and gives it the security-header middleware. The dispatcher sets those headers and writes the
 * access-log line pino-http would; the handler does the rest (authentication, limits, body limits, errors in its
 * route's shape), or calls `next()` to hand the request to the full pipeline unchanged.
 */
@Injectable()
export class FastRoutes {
  private readonly handlers = new Map<string, FastHandler>();
  private headers: FastHandler = (_req, _res, next) => next();

  register(method: string, path: string, handler: FastHandler): void {
    this.handlers.set(`${method} ${path}`, handler);
  }

  /** The middleware that sets security headers on every response (helmet), run before each fast handler. */
  useHeaders(middleware: FastHandler): void {
    this.headers = middleware;
  }

  middleware(): FastHandler {
    return (req, res, next) => {
      const handler = this.handlers.size ? this.handlers.get(`${req.method} ${req.path}`) : undefined;
      if (!handler) return next();
      const started = performance.now();
      // The metrics label (there is no Express route on this path).
      res.locals['route'] = req.path;
      let handled = true;
      res.once('close', () => {
        if (handled) accessLog(req, res, started);
      });
      this.headers(req, res, () =>
        handler(req, res, (error?: unknown) => {
          // Handed to the full pipeline: pino-http logs it there.
          handled = false;
          next(error);
        }),
      );
    };
  }
}

/** One line per request, as pino-http writes it (level by status; the URL without secrets). */
function accessLog(req: Request, res: Response, started: number): void {
  const log = PinoLogger.root;
  if (!log) return;
  const status = res.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 || !res.writableFinished ? 'warn' : 'info';
  if (!log.isLevelEnabled(level)) return;
  log[level](
    {
      request_id: (req as { id?: string }).id,
      req: { method: req.method, url: safeUrl(req.originalUrl) },
      res: { status },
      responseTime: Math.round(performance.now() - started),
    },
    res.writableFinished ? 'request completed' : 'request aborted',
  );
}
