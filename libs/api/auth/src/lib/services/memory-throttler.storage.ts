import { OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  hits: number;
  /** When the window (opened by its first hit) closes, ms since the epoch. */
  resetAt: number;
  /** Blocked until then (ms since the epoch), after going over the limit. */
  blockedUntil: number;
}

/**
 * Request counters for one process (used when REDIS_URL is not set): a fixed window per key opened by its first
 * hit, as the Redis storage counts, so limits mean the same with and without Redis. Each hit is O(1); the library's
 * in-memory storage keeps and filters a timestamp per hit, which at 1,000 requests/s costs more than the gateway's
 * whole routing. Closed windows are swept once a minute.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000);

  constructor() {
    this.sweeper.unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = Date.now();
    const id = `${throttlerName}\u0000${key}`;
    let w = this.windows.get(id);
    if (w && w.blockedUntil > now) {
      return {
        totalHits: w.hits,
        timeToExpire: Math.max(0, Math.ceil((w.resetAt - now) / 1000)),
        isBlocked: true,
        timeToBlockExpire: Math.ceil((w.blockedUntil - now) / 1000),
      };
    }
    if (!w || w.resetAt <= now) {
      w = { hits: 0, resetAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, w);
    }
    w.hits++;
    const isBlocked = w.hits > limit;
    if (isBlocked) w.blockedUntil = now + (blockDuration > 0 ? blockDuration : w.resetAt - now);
    return {
      totalHits: w.hits,
      timeToExpire: Math.ceil((w.resetAt - now) / 1000),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((w.blockedUntil - now) / 1000) : 0,
    };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, w] of this.windows) if (w.resetAt <= now && w.blockedUntil <= now) this.windows.delete(id);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
