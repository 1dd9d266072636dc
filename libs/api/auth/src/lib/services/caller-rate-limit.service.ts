import { Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig, Principal } from '@mph/api-core';

/** The "default" throttler's window (auth.module.ts): requests per caller per minute. */
export const CALLER_WINDOW_MS = 60_000;

/**
 * The per-caller request limit of the whole API (RATE_LIMIT_AUTHENTICATED_PER_MINUTE), for routes answered outside
 * the Nest pipeline (the gateway's fast path): the same counter, in the same storage (Redis when configured), under
 * the same key the RateLimitGuard uses, so a caller's requests count once across both.
 */
@Injectable()
export class CallerRateLimit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
  ) {}

  /**
   * Counts one request: null when within the limit, else when to retry and a message saying so. `gateway` calls have
   * their own counter and default (RATE_LIMIT_GATEWAY_PER_MINUTE): an app's LLM traffic is many small calls, and it
   * must not starve (or be starved by) the same key's API use; per-key gateway limits tighten it further.
   */
  async consume(
    by: Principal,
    kind: 'api' | 'gateway' = 'api',
  ): Promise<{ retryAfterSeconds: number; message: string; setting: string } | null> {
    const tracker = by.apiKeyId ? `key:${by.apiKeyId}` : `user:${by.userId}`;
    const gateway = kind === 'gateway';
    const limit = gateway ? this.config.gateway.perMinute : this.config.rateLimit.authenticatedPerMinute;
    const name = gateway ? 'gateway' : 'default';
    const r = await this.storage.increment(`${name}:${tracker}`, CALLER_WINDOW_MS, limit, CALLER_WINDOW_MS, name);
    if (!r.isBlocked) return null;
    const seconds = Math.max(1, Math.ceil(r.timeToBlockExpire));
    const setting = gateway ? 'RATE_LIMIT_GATEWAY_PER_MINUTE' : 'RATE_LIMIT_AUTHENTICATED_PER_MINUTE';
    return {
      retryAfterSeconds: seconds,
      message: `Too many requests: the limit is ${limit} per minute (${setting}). Retry in ${seconds} s.`,
      setting,
    };
  }
}
