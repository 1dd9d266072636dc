import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable, of, tap } from 'rxjs';
import type { CacheTag, ResponseCache } from './response-cache';

export const CACHE_METADATA = 'mph:cache-seconds';

export interface CachePolicy {
  seconds: number;
  /** Also keep the answer server-side (ResponseCache) under this tag; writers of that data invalidate it. */
  tag?: CacheTag;
}

/**
 * Public GETs that may be cached by browsers and shared caches for `seconds`. Express adds a weak ETag to every
 * body and answers 304 to a matching If-None-Match, so revalidation is cheap. With a `tag`, the answer is the same
 * for every caller and is also kept in the server's ResponseCache.
 */
export const CacheFor = (seconds: number, tag?: CacheTag) =>
  SetMetadata(CACHE_METADATA, { seconds, tag } satisfies CachePolicy);

/**
 * Sets Cache-Control: `public, max-age` where @CacheFor says so; `private, no-store` for signed-in callers elsewhere.
 * Serves and fills the server-side cache for tagged handlers (GET only; errors are never cached).
 */
@Injectable()
export class CacheHeadersInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache?: ResponseCache,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const res = context.switchToHttp().getResponse<Response>();
    const policy = this.reflector.getAllAndOverride<CachePolicy | undefined>(CACHE_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const setHeaders = () => {
      if (res.headersSent || res.getHeader('Cache-Control')) return;
      if (req.method === 'GET' && policy && req.user) {
        // Signed-in callers (operators in the console) edit what they read: their browser revalidates every time
        // (a 304 when nothing changed) instead of showing its copy from before their own write.
        res.setHeader('Cache-Control', 'private, no-cache');
      } else if (req.method === 'GET' && policy) {
        res.setHeader('Cache-Control', `public, max-age=${policy.seconds}, stale-while-revalidate=${policy.seconds}`);
        // Responses differ by the key/token only in rate-limit headers, which caches do not store.
        res.setHeader('Vary', 'Accept-Encoding');
      } else if (req.user) {
        res.setHeader('Cache-Control', 'private, no-store');
      }
    };
    if (req.method === 'GET' && policy?.tag && this.cache?.enabled) {
      const cache = this.cache;
      const key = cache.key(policy.tag, req.originalUrl);
      const startedAt = Date.now();
      const hit = cache.get(key);
      if (hit !== undefined) {
        setHeaders();
        res.setHeader('X-Cache', 'HIT');
        return of(hit);
      }
      return next.handle().pipe(
        tap((value) => {
          cache.set(key, value, policy.seconds, startedAt);
          res.setHeader('X-Cache', 'MISS');
          setHeaders();
        }),
      );
    }
    return next.handle().pipe(tap(setHeaders));
  }
}
