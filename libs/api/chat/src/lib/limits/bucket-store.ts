import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { TokenBucket } from './token-bucket';

/** One bucket a call must pass: it needs `need` there now, and spends `spend` (which may be more) when admitted. */
export interface BucketCheck {
  key: string;
  /** The bucket's size, refilled at this much per minute. */
  capacity: number;
  need: number;
  spend: number;
}

/**
 * Where the gateway's token buckets live. All checks of one call are decided together: either every bucket holds what
 * the call needs and all are spent, or none is spent and the answer is the longest wait (ms) and which check it was.
 */
export interface BucketStore {
  admit(checks: BucketCheck[]): Promise<{ wait: number; index: number }>;
  /** Spends regardless of the level (output tokens counted after a call may overdraw a bucket). */
  charge(key: string, capacity: number, amount: number): Promise<void>;
  close(): Promise<void>;
}

/** Buckets in this process: limits apply per instance. */
export class MemoryBucketStore implements BucketStore {
  private readonly buckets = new Map<string, TokenBucket>();

  private bucket(key: string, capacity: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(capacity);
      this.buckets.set(key, b);
    } else b.resize(capacity);
    return b;
  }

  async admit(checks: BucketCheck[]): Promise<{ wait: number; index: number }> {
    let wait = 0;
    let index = -1;
    checks.forEach((c, i) => {
      const w = this.bucket(c.key, c.capacity).waitFor(c.need);
      if (w > wait) [wait, index] = [w, i];
    });
    if (wait === 0) for (const c of checks) this.bucket(c.key, c.capacity).take(c.spend);
    return { wait, index };
  }

  async charge(key: string, capacity: number, amount: number): Promise<void> {
    this.bucket(key, capacity).charge(amount);
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}

/**
 * The same buckets decided atomically inside Redis (one script per call, Redis's own clock), so every API instance
 * counts one budget. Each bucket is a hash {level, at} that expires once it would be full again.
 */
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local charge = ARGV[1] == '1'
local wait, index, levels = 0, -1, {}
for i, key in ipairs(KEYS) do
  local cap = tonumber(ARGV[3 * i - 1])
  local need = tonumber(ARGV[3 * i])
  local v = redis.call('HMGET', key, 'level', 'at')
  local level = tonumber(v[1]) or cap
  local at = tonumber(v[2]) or now
  level = math.min(cap, level + math.max(0, now - at) * cap / 60000)
  levels[i] = level
  if not charge and level < need then
    local w = math.ceil((need - level) * 60000 / cap)
    if w > wait then wait, index = w, i - 1 end
  end
end
if wait == 0 then
  for i, key in ipairs(KEYS) do
    local cap = tonumber(ARGV[3 * i - 1])
    local level = levels[i] - tonumber(ARGV[3 * i + 1])
    redis.call('HSET', key, 'level', tostring(level), 'at', tostring(now))
    redis.call('PEXPIRE', key, math.max(1000, math.ceil((cap - level) * 60000 / cap) + 1000))
  end
end
return {wait, index}
`;

export class RedisBucketStore implements BucketStore {
  private readonly log = new Logger('GatewayLimits');
  private readonly redis: Redis;
  private readonly fallback = new MemoryBucketStore();
  private lastWarning = 0;

  constructor(url: string, prefix = 'mph:gateway-bucket:') {
    // Fail fast while Redis is away (no offline queue): calls are then limited per instance, not held up.
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
      keyPrefix: prefix,
    });
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('mphAdmit', { lua: ADMIT });
  }

  private run(charge: boolean, checks: BucketCheck[]): Promise<[number, number]> {
    const args = [charge ? '1' : '0', ...checks.flatMap((c) => [String(c.capacity), String(c.need), String(c.spend)])];
    const command = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<[number, number]>>)[
      'mphAdmit'
    ];
    return command.call(this.redis, checks.length, ...checks.map((c) => c.key), ...args);
  }

  private degraded(e: unknown): void {
    if (Date.now() - this.lastWarning > 60_000) {
      this.lastWarning = Date.now();
      this.log.warn(`Redis unavailable (${(e as Error).message}): gateway limits count per instance until it is back.`);
    }
  }

  async admit(checks: BucketCheck[]): Promise<{ wait: number; index: number }> {
    try {
      const [wait, index] = await this.run(false, checks);
      return { wait: Number(wait), index: Number(index) };
    } catch (e) {
      this.degraded(e);
      return this.fallback.admit(checks);
    }
  }

  async charge(key: string, capacity: number, amount: number): Promise<void> {
    try {
      await this.run(true, [{ key, capacity, need: 0, spend: amount }]);
    } catch (e) {
      this.degraded(e);
      await this.fallback.charge(key, capacity, amount);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
