import { compareDecimal, exactMoney, formatMoney, moneyDigits } from './money';

describe('money formatting', () => {
  it.each([
    ['6.34305586', '$6.34'],
    ['1.25', '$1.25'],
    ['2', '$2.00'],
    ['0.075', '$0.075'],
    ['0.15', '$0.15'],
    ['0.000123456', '$0.0001235'],
    ['0.1065', '$0.1065'],
    ['0.0000002', '$0.0000002'],
    ['0.000000001', '$0.000000001'],
    ['1234.5', '$1,234.50'],
    ['0', '$0.00'],
    ['-0.5', '-$0.50'],
    // Rounds the decimal itself, not a float near it (0.035 as a double is 0.03499…).
    ['0.0355', '$0.0355'],
    ['1.005', '$1.01'],
  ])('%s → %s', (amount, shown) => {
    expect(formatMoney(amount, 'USD')).toBe(shown);
  });

  it('uses the currency’s sign, and says unknown for a missing price (never $0)', () => {
    expect(formatMoney('4.25', 'EUR')).toBe('€4.25');
    expect(formatMoney(null)).toBe('unknown');
    expect(formatMoney(undefined, 'USD', { unknownText: '—' })).toBe('—');
    expect(formatMoney('1.5', 'XQZ')).toMatch(/XQZ/);
  });

  it('shows unit prices with up to four decimals above one unit', () => {
    expect(formatMoney('1.875', 'USD', { price: true })).toBe('$1.875');
    expect(formatMoney('3.75', 'USD', { price: true })).toBe('$3.75');
    expect(formatMoney('15', 'USD', { price: true })).toBe('$15.00');
    expect(formatMoney('1.875', 'USD')).toBe('$1.88');
    // A free offering says so; a zero cost is still an amount.
    expect(formatMoney('0', 'USD', { price: true })).toBe('free');
    expect(formatMoney('0.000', 'USD', { price: true })).toBe('free');
    expect(formatMoney('0', 'USD')).toBe('$0.00');
  });

  it('keeps full precision for hover and exports', () => {
    expect(exactMoney('6.34305586', 'USD')).toBe('6.34305586 USD');
    expect(formatMoney('6.34305586', 'USD', { exact: true })).toBe('$6.34305586');
  });

  it('chooses digits from the first significant one', () => {
    expect(moneyDigits('12.3')).toBe(2);
    expect(moneyDigits('12.3', true)).toBe(4);
    expect(moneyDigits('0.5')).toBe(4);
    expect(moneyDigits('0.0042')).toBe(6);
    expect(moneyDigits('0.00000000000001')).toBe(12);
  });
});

describe('compareDecimal', () => {
  it.each([
    ['0.1', '0.10', 0],
    ['0.1', '0.09', 1],
    ['2', '10', -1],
    ['10.5', '10.49999999999', 1],
    ['-1', '0', -1],
    ['-2', '-1', -1],
    ['0', '-0.0', 0],
    ['0.000000001', '0', 1],
    ['123456789.123456789', '123456789.12345679', -1],
  ])('%s vs %s → %i', (a, b, sign) => {
    expect(Math.sign(compareDecimal(a, b))).toBe(sign);
  });
});
