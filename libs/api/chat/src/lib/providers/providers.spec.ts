import { CircuitBreaker } from './breaker';
import { localEcho } from './local-echo';
import { backoffMs, retryAfterMs } from './retry';
import { SseParser } from './sse';

describe('circuit breaker', () => {
  it('opens after N consecutive failures, lets one probe through after the cooldown, closes on its success', () => {
    const b = new CircuitBreaker({ failures: 3, cooldownMs: 1000 });
    const t0 = 1_000_000;
    b.failure(t0);
    b.failure(t0);
    expect(b.tryPass(t0)).toBe(true);
    b.failure(t0);
    expect(b.state).toBe('open');
    expect(b.tryPass(t0 + 999)).toBe(false);
    expect(b.tryPass(t0 + 1000)).toBe(true); // the probe
    expect(b.state).toBe('half_open');
    expect(b.tryPass(t0 + 1001)).toBe(false); // only one probe at a time
    b.success();
    expect([b.state, b.level, b.tryPass(t0 + 1002)]).toEqual(['closed', 0, true]);
  });

  it('opens again when the half-open probe fails', () => {
    const b = new CircuitBreaker({ failures: 1, cooldownMs: 10 });
    b.failure(0);
    expect(b.tryPass(10)).toBe(true);
    b.failure(10);
    expect([b.state, b.level, b.tryPass(19), b.tryPass(20)]).toEqual(['open', 2, false, true]);
  });

  it('opens on a failure ratio over the window even without a long streak', () => {
    const b = new CircuitBreaker({ failures: 100, cooldownMs: 10, failureRatio: 0.5, window: 10, minCalls: 10 });
    for (let i = 0; i < 5; i++) {
      b.success();
      b.failure(0);
    }
    expect(b.state).toBe('open');
  });
});

describe('retry timing', () => {
  it.each([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    [undefined, undefined],
    ['soon', undefined],
  ])('Retry-After %p → %p ms', (header, ms) => {
    expect(retryAfterMs(header)).toBe(ms);
  });

  it('reads an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect([0, 1, 2, 3].map((a) => backoffMs(a, 200, 5000, () => 1))).toEqual([200, 400, 800, 1600]);
    expect(backoffMs(10, 200, 5000, () => 1)).toBe(5000);
    expect(backoffMs(3, 200, 5000, () => 0)).toBe(0);
  });
});

describe('SSE parser', () => {
  it('joins events split anywhere across chunks, with any line ending', () => {
    const p = new SseParser();
    const text = 'data: {"a":1}\r\n\r\n: comment\n\ndata: line one\ndata: line two\n\nevent: x\rdata: [DONE]\r\n\r\n';
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 3) out.push(...p.push(text.slice(i, i + 3)));
    expect(out).toEqual(['{"a":1}', 'line one\nline two', '[DONE]']);
  });
});

describe('local echo provider', () => {
  it('answers honestly and deterministically, with usage, and honours max_tokens', async () => {
    const r = localEcho({ messages: [{ role: 'user', content: 'hello there' }], max_tokens: 3 });
    expect(r.kind).toBe('json');
    if (r.kind !== 'json') return;
    const choice = (r.body['choices'] as { message: { content: string }; finish_reason: string }[])[0];
    expect(choice).toMatchObject({ message: { content: '[local echo, not ' }, finish_reason: 'length' });
    expect(r.body['usage']).toEqual({ prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });
  });
});
