import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable, tap } from 'rxjs';

export const CACHE_METADATA = 'mph:cache-seconds';

/**
 * Public GETs that may be cached by browsers and shared caches for `seconds`. Express adds a weak ETag to every
 * body and answers 304 to a matching If-None-Match, so revalidation is cheap.
 */
export const CacheFor = (seconds: number) => SetMetadata(CACHE_METADATA, seconds);

/** Sets Cache-Control: `public, max-age` where @CacheFor says so; `private, no-store` for signed-in callers elsewhere. */
@Injectable()
export class CacheHeadersInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const res = context.switchToHttp().getResponse<Response>();
    const seconds = this.reflector.getAllAndOverride<number>(CACHE_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    return next.handle().pipe(
      tap(() => {
        if (res.headersSent || res.getHeader('Cache-Control')) return;
        if (req.method === 'GET' && seconds !== undefined) {
          res.setHeader('Cache-Control', `public, max-age=${seconds}, stale-while-revalidate=${seconds}`);
          // Responses differ by the key/token only in rate-limit headers, which caches do not store.
          res.setHeader('Vary', 'Accept-Encoding');
        } else if (req.user) {
          res.setHeader('Cache-Control', 'private, no-store');
        }
      }),
    );
  }
}
