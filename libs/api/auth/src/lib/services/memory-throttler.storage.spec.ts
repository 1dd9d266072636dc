import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage (per-process request counters)', () => {
  let storage: MemoryThrottlerStorage;
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-04T10:00:00Z') });
    storage = new MemoryThrottlerStorage();
  });
  afterEach(() => {
    storage.onModuleDestroy();
    jest.useRealTimers();
  });

  it('counts hits in a fixed window opened by the first one, blocks past the limit, and opens a new window after', async () => {
    const hit = () => storage.increment('key:a', 60_000, 3, 60_000, 'default');
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    jest.advanceTimersByTime(20_000);
    expect(await hit()).toMatchObject({ totalHits: 2, timeToExpire: 40, isBlocked: false });
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: false });
    expect(await hit()).toEqual({ totalHits: 4, timeToExpire: 40, isBlocked: true, timeToBlockExpire: 60 });
    // Blocked for the block duration, even after the window closes.
    jest.advanceTimersByTime(45_000);
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 15 });
    jest.advanceTimersByTime(15_000);
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('keeps keys and throttlers apart', async () => {
    await storage.increment('key:a', 60_000, 1, 60_000, 'default');
    expect((await storage.increment('key:a', 60_000, 1, 60_000, 'default')).isBlocked).toBe(true);
    expect((await storage.increment('key:b', 60_000, 1, 60_000, 'default')).isBlocked).toBe(false);
    expect((await storage.increment('key:a', 60_000, 1, 60_000, 'login')).isBlocked).toBe(false);
  });
});
