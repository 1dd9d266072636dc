import Decimal from 'decimal.js';

/** Decimal arithmetic for money: 40 significant digits, never JavaScript floats. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Dec = Decimal;

/** A decimal string without exponent or trailing zeros ("0.1065", "0.00000125"). */
export const str = (d: Decimal) => d.toFixed();
