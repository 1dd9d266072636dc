import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler';
import { RATE_WEIGHT, type Principal } from '@mph/api-core';
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

  /**
   * A route marked with @RateWeight costs more than one request of the budget (a batch): the extra hits are counted
   * first, so the library's own count then sees them and refuses the call when they pass the limit.
   */
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const weigh = this.reflector.getAllAndOverride<((body: unknown) => number) | undefined>(RATE_WEIGHT, [
      props.context.getHandler(),
      props.context.getClass(),
    ]);
    const weight =
      weigh && (props.throttler.name ?? 'default') === 'default'
        ? Math.max(1, Math.floor(weigh(props.context.switchToHttp().getRequest().body)))
        : 1;
    if (weight > 1) {
      const { req } = this.getRequestResponse(props.context);
      const key = props.generateKey(
        props.context,
        await props.getTracker(req, props.context),
        props.throttler.name ?? 'default',
      );
      for (let i = 1; i < weight; i++) {
        await this.storageService.increment(
          key,
          props.ttl,
          props.limit,
          props.blockDuration,
          props.throttler.name ?? 'default',
        );
      }
    }
    return super.handleRequest(props);
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
