import Decimal from 'decimal.js';

/** Money arithmetic: 40 significant digits, so per-token prices down to 1e-12 survive every operation exactly. */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Money = Decimal;

/** A canonical decimal string (no exponent, no trailing zeros): "1.250" → "1.25", "1.25e-6" → "0.00000125". */
export function canonical(amount: string | number | Decimal): string {
  return new Money(amount).toFixed();
}

export const DECIMAL_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,18})?$/;
