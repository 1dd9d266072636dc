/** A component as read from the database: amount as a decimal string, times as `HH:MM:SS` (UTC). */
export interface RateRow {
  unit: string;
  amount: string;
  prompt_tokens_above: number;
  window_start: string | null;
  window_end: string | null;
}

function secondsOfDay(hms: string): number {
  const [h, m, s] = hms.split(':').map(Number);
  return h * 3600 + m * 60 + (s || 0);
}

/** Whether a UTC time of day falls in [start, end); a window whose end is before its start wraps past midnight. */
export function inWindow(at: Date, start: string, end: string): boolean {
  const t = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds();
  const a = secondsOfDay(start);
  const b = secondsOfDay(end);
  if (a === b) return true;
  return a < b ? t >= a && t < b : t >= a || t < b;
}

/**
 * The rate of each unit for one call. Cliff tiers: the tier is chosen by the whole prompt (cache reads included),
 * strictly above its threshold, and applies to every unit that has that tier. A component with a time-of-day window
 * that contains `at` wins over one without. Units absent from the version are absent here (unknown, not free).
 */
export function selectRates(rows: RateRow[], call: { promptTokens?: number; at: Date }): Record<string, string> {
  const prompt = call.promptTokens ?? 0;
  const best = new Map<string, { row: RateRow; windowed: boolean }>();
  for (const row of rows) {
    if (row.prompt_tokens_above > 0 && !(prompt > row.prompt_tokens_above)) continue;
    const windowed = row.window_start !== null && row.window_end !== null;
    if (windowed && !inWindow(call.at, row.window_start as string, row.window_end as string)) continue;
    const current = best.get(row.unit);
    const better =
      !current ||
      row.prompt_tokens_above > current.row.prompt_tokens_above ||
      (row.prompt_tokens_above === current.row.prompt_tokens_above && windowed && !current.windowed);
    if (better) best.set(row.unit, { row, windowed });
  }
  return Object.fromEntries([...best].map(([unit, { row }]) => [unit, row.amount]));
}
