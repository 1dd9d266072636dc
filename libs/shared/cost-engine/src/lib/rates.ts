/** A price component as stored: amount per 1M tokens (token units) or per item. */
export interface RateComponent {
  unit: string;
  amount: string;
  prompt_tokens_above?: number;
  window_start?: string | null;
  window_end?: string | null;
}

function secondsOfDay(hms: string): number {
  const [h, m, s] = hms.split(':').map(Number);
  return h * 3600 + m * 60 + (s || 0);
}

/** Whether a UTC time of day falls in [start, end); an end before the start wraps past midnight. */
export function inWindow(at: Date, start: string, end: string): boolean {
  const t = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds();
  const a = secondsOfDay(start);
  const b = secondsOfDay(end);
  if (a === b) return true;
  return a < b ? t >= a && t < b : t >= a || t < b;
}

/**
 * The rate of each unit for one call. Cliff tiers: chosen by the whole prompt (cache included), strictly above the
 * threshold, for every unit that has that tier. A time-of-day component covering `at` wins over one without.
 * Units the price does not have are absent (unknown, not free). Also returns the tier threshold applied.
 */
export function selectRates(
  components: RateComponent[],
  call: { promptTokens: number; at: Date },
): { rates: Readonly<Record<string, string>>; tier: number } {
  // Without time windows the answer depends only on how many thresholds the prompt is above: remembered per
  // components array (prices are read, never mutated in place), so pricing many calls costs one lookup each.
  let memo = memos.get(components);
  if (memo === undefined) {
    memo = components.some((c) => c.window_start && c.window_end)
      ? null
      : {
          thresholds: [...new Set(components.map((c) => c.prompt_tokens_above ?? 0).filter((t) => t > 0))],
          byTier: new Map(),
        };
    memos.set(components, memo);
  }
  if (memo === null) return chooseRates(components, call);
  let above = 0;
  for (const t of memo.thresholds) if (call.promptTokens > t) above++;
  let hit = memo.byTier.get(above);
  if (!hit) {
    hit = chooseRates(components, call);
    Object.freeze(hit.rates);
    memo.byTier.set(above, hit);
  }
  return hit;
}

const memos = new WeakMap<
  RateComponent[],
  { thresholds: number[]; byTier: Map<number, { rates: Readonly<Record<string, string>>; tier: number }> } | null
>();

function chooseRates(
  components: RateComponent[],
  call: { promptTokens: number; at: Date },
): { rates: Record<string, string>; tier: number } {
  const best = new Map<string, { c: RateComponent; above: number; windowed: boolean }>();
  let tier = 0;
  for (const c of components) {
    const above = c.prompt_tokens_above ?? 0;
    if (above > 0 && !(call.promptTokens > above)) continue;
    const windowed = !!c.window_start && !!c.window_end;
    if (windowed && !inWindow(call.at, c.window_start as string, c.window_end as string)) continue;
    const cur = best.get(c.unit);
    if (!cur || above > cur.above || (above === cur.above && windowed && !cur.windowed)) {
      best.set(c.unit, { c, above, windowed });
    }
    if (above > tier) tier = above;
  }
  return { rates: Object.fromEntries([...best].map(([u, b]) => [u, b.c.amount])), tier };
}
