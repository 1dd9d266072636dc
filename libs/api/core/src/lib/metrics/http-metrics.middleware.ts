import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service';

/** Observes each request's latency under its route pattern (not the raw URL, to keep label cardinality low). */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path
        ? `${req.baseUrl}${String(req.route.path)}`
        : req.path.startsWith('/api/')
          ? 'unmatched'
          : 'static';
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
