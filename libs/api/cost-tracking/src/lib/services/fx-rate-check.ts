import { Dec } from '@mph/cost-engine';

/**
 * What an exchange rate (USD per unit of a currency) may be, wherever one enters: operators' daily rates and the
 * `fx_rate` an app sends with a usage event. The absolute band holds every real currency (the Kuwaiti dinar is
 * about 3.3 USD; the Iranian rial and the pre-2021 bolivar are far below 0.0001, but above 1e-8); a zero or a
 * near-zero rate would make any spend vanish from reports and budgets.
 */
export const FX_MIN = '0.00000001';
export const FX_MAX = '10000';
/** How far an event's own rate may stray from the stored rate of its day (25 %: a day never moves that much). */
export const FX_BAND = '0.25';

/** Why `rate` cannot be an exchange rate, or null when it can. */
export function fxRateProblem(rate: string): string | null {
  if (!/^\d{1,9}(\.\d{1,12})?$/.test(rate)) return 'a decimal string such as "1.0842"';
  const r = new Dec(rate);
  if (r.lte(0)) return 'must be above 0';
  if (r.lt(FX_MIN) || r.gt(FX_MAX)) return `must be between ${FX_MIN} and ${FX_MAX} USD per unit`;
  return null;
}

/** Why an event's `given` rate is refused next to the `stored` rate of its day, or null when it is close enough. */
export function fxRateOffBand(given: string, stored: string): string | null {
  const g = new Dec(given);
  const s = new Dec(stored);
  if (s.lte(0)) return null;
  const off = g.minus(s).abs().div(s);
  if (off.lte(FX_BAND)) return null;
  return `is ${off.times(100).toDecimalPlaces(0).toFixed()} % away from the stored rate ${s.toFixed()}`;
}
