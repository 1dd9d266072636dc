import type { PriceComponentDto, PriceVersionDto } from '@mph/admin-api-client';

/** A version's base price of one unit (no prompt tier, no time window), or null when it states none. */
export function basePrice(v: Pick<PriceVersionDto, 'components'> | null | undefined, unit: string): string | null {
  return v?.components.find((c) => c.unit === unit && !c.prompt_tokens_above && !c.window_start)?.amount ?? null;
}

/** "per 1M tokens" / "per item", after a decimal amount. */
export const perLabel = (per: string) => (per === 'item' ? 'per item' : 'per 1M tokens');

/** The condition a component holds under: base, a prompt-size tier, a time-of-day window. */
export function conditionLabel(
  c: Pick<PriceComponentDto, 'prompt_tokens_above' | 'window_start' | 'window_end'>,
): string {
  const parts: string[] = [];
  if (c.prompt_tokens_above) parts.push(`prompt > ${c.prompt_tokens_above.toLocaleString('en-US')} tokens`);
  if (c.window_start && c.window_end) parts.push(`${c.window_start.slice(0, 5)}–${c.window_end.slice(0, 5)} UTC`);
  return parts.join(', ') || 'base';
}

/** Feeds that give no date: their prices hold from 1970-01-01, "since the feed's first record". */
const undated = (iso: string) => iso.startsWith('1970-01-01');

/** A version's start for a table cell: "first record", or "2025-06-10 00:00" (the day alone with `time` false). */
export const sinceLabel = (iso: string, time = true) =>
  undated(iso) ? 'first record' : time ? iso.slice(0, 16).replace('T', ' ') : iso.slice(0, 10);

/** A version's start in a sentence: "since the feed's first record" or "since 2025-06-10". */
export const sinceWords = (iso: string) =>
  undated(iso) ? "since the feed's first record" : `since ${iso.slice(0, 10)}`;

/** The versions in force at `at`, one per service tier and region. */
export function currentVersions(history: PriceVersionDto[], at = Date.now()): PriceVersionDto[] {
  return history.filter(
    (v) => Date.parse(v.effective_from) <= at && (!v.effective_to || Date.parse(v.effective_to) > at),
  );
}
