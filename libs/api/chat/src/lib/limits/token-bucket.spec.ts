import { TokenBucket } from './token-bucket';

describe('token bucket', () => {
  it('spends what it holds, refills per minute, tells how long to wait, and can be overdrawn by charges', () => {
    const b = new TokenBucket(60, 0); // 1 per second
    expect(b.waitFor(60, 0)).toBe(0);
    b.take(60, 0);
    expect(b.waitFor(1, 0)).toBe(1000);
    expect(b.waitFor(1, 1000)).toBe(0);
    b.take(1, 1000);
    b.charge(30, 1000); // output tokens counted after the call
    expect(b.waitFor(1, 1000)).toBe(31_000);
    expect(b.waitFor(1, 32_000)).toBe(0);
    expect(b.waitFor(60, 10 * 60_000)).toBe(0); // never above capacity
    b.resize(10);
    expect(b.waitFor(11, 10 * 60_000)).toBe(6000);
  });
});
