import { loadConfig } from '../config/app-config';
import { ResponseCache } from './response-cache';

const make = (env: Record<string, string> = {}) => new ResponseCache(loadConfig(env));

describe('ResponseCache', () => {
  afterEach(() => jest.useRealTimers());

  it('returns what was stored until the TTL (the smaller of the route and the setting) runs out', () => {
    jest.useFakeTimers({ now: 0 });
    const cache = make({ RESPONSE_CACHE_SECONDS: '30' });
    const key = cache.key('catalog', '/api/v1/models?q=a');
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, { data: [1] }, 60);
    expect(cache.get(key)).toEqual({ data: [1] });
    jest.setSystemTime(29_999);
    expect(cache.get(key)).toEqual({ data: [1] });
    jest.setSystemTime(30_000);
    expect(cache.get(key)).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([2, 2]);
  });

  it('drops every answer of a tag on invalidate, and only that tag', () => {
    const cache = make();
    const a = cache.key('catalog', '/a');
    const p = cache.key('prices', '/p');
    cache.set(a, 'A', 60);
    cache.set(p, 'P', 60);
    cache.invalidate('catalog');
    expect(cache.get(a)).toBeUndefined();
    expect(cache.get(cache.key('catalog', '/a'))).toBeUndefined();
    expect(cache.get(p)).toBe('P');
    // A value computed before the invalidation is stored under the old generation and is never served.
    cache.set(a, 'stale', 60);
    expect(cache.get(cache.key('catalog', '/a'))).toBeUndefined();
  });

  it('drops the feeds’ freshness when a sync run moves, and everything when a price changes', () => {
    let emit: (table: string | null) => void = () => undefined;
    const changes = { subscribe: (fn: (t: string | null) => void) => ((emit = fn), () => undefined) };
    const cache = new ResponseCache(loadConfig({}), changes as never);
    const put = () =>
      (['catalog', 'prices', 'feeds'] as const).map((tag) => {
        const key = cache.key(tag, '/x');
        cache.set(key, tag, 60);
        return key;
      });
    let keys = put();
    emit('sync_runs');
    expect(keys.map((k) => cache.get(k) ?? null)).toEqual(['catalog', 'prices', null]);
    keys = put();
    emit('price_versions');
    expect(keys.map((k) => cache.get(k) ?? null)).toEqual([null, null, null]);
  });

  it('evicts the least recently used entry beyond the size bound', () => {
    const cache = make({ RESPONSE_CACHE_MAX_ENTRIES: '2' });
    const [k1, k2, k3] = ['/1', '/2', '/3'].map((u) => cache.key('catalog', u));
    cache.set(k1, 1, 60);
    cache.set(k2, 2, 60);
    expect(cache.get(k1)).toBe(1); // k1 is now the most recent
    cache.set(k3, 3, 60);
    expect([cache.get(k1), cache.get(k2), cache.get(k3)]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('with a read replica, serves but does not keep answers computed within DATABASE_READ_MAX_LAG_MS of a change', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = make({ DATABASE_READ_URL: 'postgres://replica/db', DATABASE_READ_MAX_LAG_MS: '500' });
    cache.invalidate('catalog');
    cache.set(cache.key('catalog', '/m'), 'maybe stale', 60);
    expect(cache.get(cache.key('catalog', '/m'))).toBeUndefined();
    jest.setSystemTime(1_000_499);
    cache.set(cache.key('prices', '/p'), 'maybe stale', 60);
    expect(cache.get(cache.key('prices', '/p'))).toBeUndefined();
    // What counts is when the answer was begun: begun at 499 ms (the replica maybe behind), finished at 600 ms.
    jest.setSystemTime(1_000_600);
    cache.set(cache.key('catalog', '/slow'), 'begun early', 60, 1_000_499);
    expect(cache.get(cache.key('catalog', '/slow'))).toBeUndefined();
    jest.setSystemTime(1_000_500);
    cache.set(cache.key('catalog', '/m'), 'fresh', 60);
    expect(cache.get(cache.key('catalog', '/m'))).toBe('fresh');
    // Without a replica there is no wait: the primary is never behind.
    const primaryOnly = make({ DATABASE_READ_MAX_LAG_MS: '500' });
    primaryOnly.invalidate('catalog');
    primaryOnly.set(primaryOnly.key('catalog', '/m'), 'fresh', 60);
    expect(primaryOnly.get(primaryOnly.key('catalog', '/m'))).toBe('fresh');
  });

  it('is off with RESPONSE_CACHE_SECONDS=0', () => {
    const cache = make({ RESPONSE_CACHE_SECONDS: '0' });
    expect(cache.enabled).toBe(false);
    cache.set(cache.key('catalog', '/x'), 1, 60);
    expect(cache.size).toBe(0);
  });
});
