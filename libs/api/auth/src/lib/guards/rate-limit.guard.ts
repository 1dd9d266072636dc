import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Principal } from '@mph/api-core';
import type { Response } from 'express';

/**
 * Step 2: counts requests per API key, per user, or per client IP for anonymous callers (req.ip honours
 * TRUST_PROXY), across all routes. The 429 carries a plain `Retry-After` whichever limit was hit.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req['user'] as Principal | undefined;
    if (user?.apiKeyId) return `key:${user.apiKeyId}`;
    if (user) return `user:${user.userId}`;
    return `ip:${String(req['ip'])}`;
  }

  /** One budget per caller across the whole API (the library default is one per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    return `${throttler}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const res = context.switchToHttp().getResponse<Response>();
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    res.setHeader('Retry-After', String(seconds));
    throw new ThrottlerException(`Too many requests: the limit is ${detail.limit} per minute. Retry in ${seconds} s.`);
  }
}
