import type { PriceComponentDto, PriceVersionDto } from '@mph/admin-api-client';
import type { StepSeries } from '@mph/admin-ui';

/** The console route of a model's page (`owner/name` ids are two path segments). */
export const modelRoute = (modelId: string) => ['/catalog/models', ...modelId.split('/')];

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

/** "1970-01-01…" starts mean "since the feed's first record". */
export const sinceLabel = (iso: string) =>
  iso.startsWith('1970-01-01') ? 'first record' : iso.slice(0, 16).replace('T', ' ');

/** One series per base component of the versions of one service tier and region, for the step chart. */
export function stepSeries(history: PriceVersionDto[], tier = 'standard', region = ''): StepSeries[] {
  const versions = history.filter((v) => v.service_tier === tier && v.region === region);
  const units = new Map<string, StepSeries>();
  for (const v of versions) {
    for (const c of v.components) {
      if (c.prompt_tokens_above || c.window_start || c.per !== '1M tokens') continue;
      const s = units.get(c.unit) ?? { label: c.unit, segments: [] };
      s.segments.push({ from: v.effective_from, to: v.effective_to, value: Number(c.amount) });
      units.set(c.unit, s);
    }
  }
  const order = ['input', 'output', 'cache_read', 'cache_write'];
  return [...units.values()].sort(
    (a, b) => (order.indexOf(a.label) + 1 || 99) - (order.indexOf(b.label) + 1 || 99) || a.label.localeCompare(b.label),
  );
}

/** The versions in force at `at`, one per service tier and region. */
export function currentVersions(history: PriceVersionDto[], at = Date.now()): PriceVersionDto[] {
  return history.filter(
    (v) => Date.parse(v.effective_from) <= at && (!v.effective_to || Date.parse(v.effective_to) > at),
  );
}

/** Versions that start later than now (known upcoming changes). */
export const upcomingVersions = (history: PriceVersionDto[], at = Date.now()) =>
  history.filter((v) => Date.parse(v.effective_from) > at);
