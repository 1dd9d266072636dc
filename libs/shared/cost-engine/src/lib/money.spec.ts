import { addFixed, Dec, fixed, fixedToString, scaleBy } from './money';

describe('exact decimal money (Fixed)', () => {
  it.each([
    ['0.15', 15n, 2],
    ['3', 3n, 0],
    ['.5', 5n, 1],
    ['7.', 7n, 0],
    ['1.5e-7', 15n, 8],
    ['2E3', 2000n, 0],
    ['-0.25', -25n, 2],
    ['+12.50', 1250n, 2],
  ])('parses %s', (text, units, scale) => {
    expect(fixed(text)).toEqual({ units, scale });
  });

  it.each(['', '.', 'abc', '1.2.3', '1e', 'NaN', '0x10'])('refuses %j', (text) => {
    expect(() => fixed(text)).toThrow(/not a decimal number/);
  });

  it.each([
    [{ units: 0n, scale: 9 }, '0'],
    [{ units: 1065000n, scale: 7 }, '0.1065'],
    [{ units: 125n, scale: 8 }, '0.00000125'],
    [{ units: 1200n, scale: 2 }, '12'],
    [{ units: -5n, scale: 3 }, '-0.005'],
    [{ units: 42n, scale: 0 }, '42'],
  ])('prints %p as %s', (f, text) => {
    expect(fixedToString(f)).toBe(text);
  });

  it('multiplies and adds exactly, whatever the scales', () => {
    const perMillion = scaleBy(fixed('3'), 100_000, 6); // 100k tokens at $3/M
    const cached = scaleBy(fixed('0.30'), 80_000, 6);
    const item = scaleBy(fixed('0.01'), 2, 0);
    expect(fixedToString(addFixed(addFixed(perMillion, cached), item))).toBe('0.344');
    expect(fixedToString(addFixed(item, perMillion))).toBe('0.32');
  });

  it('agrees with decimal.js on random rates and quantities', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 2000; i++) {
      const rate = (rnd() * 100).toFixed(Math.floor(rnd() * 10));
      const qty = Math.floor(rnd() * 5_000_000);
      const other = (rnd() * 2).toFixed(Math.floor(rnd() * 12));
      const expected = new Dec(rate).times(qty).div(1_000_000).plus(other).toFixed();
      expect(fixedToString(addFixed(scaleBy(fixed(rate), qty, 6), fixed(other)))).toBe(expected);
    }
  });
});
