import Decimal from 'decimal.js';

/** Decimal arithmetic for money: 40 significant digits, never JavaScript floats. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Dec = Decimal;

/** A decimal string without exponent or trailing zeros ("0.1065", "0.00000125"). */
export const str = (d: Decimal) => d.toFixed();

/**
 * An exact decimal as an integer and a scale (value = units / 10^scale): what the cost of a call needs (decimal rate ×
 * whole quantity, divided by a power of ten, summed) without rounding and without allocating a Decimal per step.
 */
export interface Fixed {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const parsed = new Map<string, Fixed>();

/** Parses a decimal string ("0.15", "3", "1.5e-7"); throws on anything else. Results are cached (rates repeat). */
export function fixed(value: string): Fixed {
  const hit = parsed.get(value);
  if (hit) return hit;
  const m = DECIMAL.exec(value.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`not a decimal number: "${value}"`);
  const [, sign, int, frac = '', exp = '0'] = m;
  let units = BigInt(`${sign === '-' ? '-' : ''}${int}${frac}` || '0');
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  const f = { units, scale };
  if (parsed.size > 10_000) parsed.clear();
  parsed.set(value, f);
  return f;
}

/** a × n / 10^shift, exact. */
export function scaleBy(a: Fixed, n: number, shift: number): Fixed {
  return { units: a.units * BigInt(n), scale: a.scale + shift };
}

/** a + b, exact. */
export function addFixed(a: Fixed, b: Fixed): Fixed {
  if (a.scale === b.scale) return { units: a.units + b.units, scale: a.scale };
  return a.scale > b.scale
    ? { units: a.units + b.units * 10n ** BigInt(a.scale - b.scale), scale: a.scale }
    : { units: a.units * 10n ** BigInt(b.scale - a.scale) + b.units, scale: b.scale };
}

/** The plain decimal string of a Fixed, without exponent or trailing zeros ("0.1065", "12", "0"). */
export function fixedToString(f: Fixed): string {
  const negative = f.units < 0n;
  let digits = (negative ? -f.units : f.units).toString();
  let scale = f.scale;
  while (scale > 0 && digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (digits === '0') return '0';
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}
