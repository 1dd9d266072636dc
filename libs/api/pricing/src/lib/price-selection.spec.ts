import { Money } from './decimal';
import { inWindow, RateRow, selectRates } from './price-selection';

const row = (unit: string, amount: string, above = 0, window: [string, string] | null = null): RateRow => ({
  unit,
  amount,
  prompt_tokens_above: above,
  window_start: window?.[0] ?? null,
  window_end: window?.[1] ?? null,
});

// Gemini 2.5 Pro: $1.25 / $10 per 1M, $2.50 / $15 when the prompt is strictly above 200k tokens.
const gemini = [
  row('input', '1.25'),
  row('output', '10'),
  row('cache_read', '0.125'),
  row('input', '2.5', 200_000),
  row('output', '15', 200_000),
  row('cache_read', '0.25', 200_000),
];

const cost = (rates: Record<string, string>, usage: Record<string, number>) =>
  Object.entries(usage)
    .reduce((sum, [unit, n]) => sum.plus(new Money(rates[unit]).times(n).div(1_000_000)), new Money(0))
    .toFixed();

describe('selectRates', () => {
  it.each([
    [150_000, '1.25', '10', '0.2075'],
    [200_000, '1.25', '10', '0.27'],
    [200_001, '2.5', '15', '0.5300025'],
    [250_000, '2.5', '15', '0.655'],
  ])(
    'prices a %i-token prompt on the cliff tier (input %s, output %s, 2k out = $%s)',
    (prompt, input, output, total) => {
      const rates = selectRates(gemini, { promptTokens: prompt, at: new Date() });
      expect(rates).toEqual({ input, output, cache_read: input === '1.25' ? '0.125' : '0.25' });
      expect(cost(rates, { input: prompt, output: 2000 })).toBe(total);
    },
  );

  it('leaves units without a price out (unknown, not free) and keeps a free price', () => {
    const rates = selectRates([row('input', '0'), row('output', '0.4')], { at: new Date() });
    expect(rates).toEqual({ input: '0', output: '0.4' });
    expect(rates['cache_read']).toBeUndefined();
  });

  // DeepSeek-style off-peak window 16:30–00:30 UTC wraps past midnight.
  const deepseek = [
    row('input', '0.55'),
    row('output', '2.19'),
    row('input', '0.135', 0, ['16:30:00', '00:30:00']),
    row('output', '0.55', 0, ['16:30:00', '00:30:00']),
  ];
  it.each([
    ['2025-03-01T12:00:00Z', '0.55', '2.19'],
    ['2025-03-01T16:29:59Z', '0.55', '2.19'],
    ['2025-03-01T16:30:00Z', '0.135', '0.55'],
    ['2025-03-01T23:59:00Z', '0.135', '0.55'],
    ['2025-03-02T00:29:59Z', '0.135', '0.55'],
    ['2025-03-02T00:30:00Z', '0.55', '2.19'],
  ])('at %s charges input %s and output %s', (at, input, output) => {
    expect(selectRates(deepseek, { at: new Date(at) })).toEqual({ input, output });
  });

  it('treats windows as [start, end)', () => {
    expect(inWindow(new Date('2025-01-01T09:00:00Z'), '09:00:00', '17:00:00')).toBe(true);
    expect(inWindow(new Date('2025-01-01T17:00:00Z'), '09:00:00', '17:00:00')).toBe(false);
  });
});
