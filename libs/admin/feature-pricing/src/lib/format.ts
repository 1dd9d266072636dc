import type { PriceVersionDto } from '@mph/admin-api-client';
import type { StepSeries } from '@mph/admin-ui';

/** The console route of a model's page (`owner/name` ids are two path segments). */
export const modelRoute = (modelId: string) => ['/catalog/models', ...modelId.split('/')];

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

/** Versions that start later than now (known upcoming changes). */
export const upcomingVersions = (history: PriceVersionDto[], at = Date.now()) =>
  history.filter((v) => Date.parse(v.effective_from) > at);

/**
 * The re-pricing page's address for a correction's suggested window, in whole UTC days: the first day holding the
 * corrected instant and the last day before the window's (exclusive) end. Calls outside the instant's window on those
 * days price the same again, so they do not move.
 */
export function repriceParams(r: {
  from: string;
  to: string;
  provider: string;
  model: string;
  offering_id: string;
  reason: string;
}) {
  const last = new Date(new Date(r.to).getTime() - 1);
  // The offering, not the model's spelling, selects the calls: dated ids, prefixes and fallbacks priced by it count.
  return {
    from: r.from.slice(0, 10),
    to: last.toISOString().slice(0, 10),
    offering: r.offering_id,
    label: `${r.provider} · ${r.model}`,
    reason: r.reason,
  };
}
