import { Dec } from '@mph/cost-engine';
import type Decimal from 'decimal.js';

/** Money arithmetic: the cost engine's decimal (40 significant digits), never JavaScript floats. */
export const Money = Dec;
export type Money = Decimal;

/** A canonical decimal string (no exponent, no trailing zeros): "1.250" → "1.25", "1.25e-6" → "0.00000125". */
export function canonical(amount: string | number | Decimal): string {
  return new Money(amount).toFixed();
}

export const DECIMAL_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,18})?$/;
