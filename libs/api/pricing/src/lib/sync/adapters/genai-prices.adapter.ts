import { FREE_COMPONENT, UNIT_BY_PRICE_KEY } from '@mph/cost-engine';
import { Money } from '../../decimal';
import type { NewComponent } from '../../services/price-writer';
import { FeedFormatError, FeedParseResult, FeedRecord, FeedVersion, providerSlug } from './feed-record';

/**
 * genai-prices price key → our component and the divisor to our basis, from the unit registry (units.yml): token
 * prices stay per 1M tokens, every other unit is stored per single item (requests_kcount ÷ 1000, audio_hours ÷ 3600,
 * input_mchars ÷ 1M, input_gpixels ÷ 1e9).
 */
function keyOf(priceKey: string): { unit: string; per: number } | null {
  const u = UNIT_BY_PRICE_KEY.get(priceKey);
  if (!u) return null;
  return { unit: u.component, per: u.perToken ? u.per / 1_000_000 : u.per };
}

interface Conditional {
  constraint?: { start_date?: string; start_time?: string; end_time?: string };
  prices: Record<string, unknown>;
}

const EPOCH = new Date('1970-01-01T00:00:00Z');

function components(
  prices: Record<string, unknown>,
  window: { start: string; end: string } | null,
  ignored: Record<string, number>,
): NewComponent[] {
  const out: NewComponent[] = [];
  const w = window ? { window_start: window.start, window_end: window.end } : {};
  for (const [key, value] of Object.entries(prices)) {
    const known = keyOf(key);
    if (!known) {
      ignored[key] = (ignored[key] ?? 0) + 1;
      continue;
    }
    const amount = (v: unknown) => new Money(String(v)).div(known.per).toFixed();
    if (typeof value === 'number') {
      out.push({ unit: known.unit, amount: amount(value), ...w });
    } else if (value && typeof value === 'object') {
      const tiered = value as { base?: number; tiers?: { start: number; price: number }[] };
      if (typeof tiered.base === 'number') out.push({ unit: known.unit, amount: amount(tiered.base), ...w });
      for (const t of tiered.tiers ?? []) {
        out.push({ unit: known.unit, amount: amount(t.price), prompt_tokens_above: t.start, ...w });
      }
    } else {
      throw new FeedFormatError(`${key} is neither a number nor {base, tiers}`);
    }
  }
  return out;
}

/** Whether every price the feed states in force at a version's start is empty or zero (tiers included). */
function statesFree(list: Conditional[], from: Date | null): boolean {
  const at = from && from.getTime() > 0 ? from.toISOString().slice(0, 10) : '0000-00-00';
  const inForce = list.filter((c) => (c.constraint?.start_date ?? '0000-00-00') <= at);
  const zero = (v: unknown): boolean =>
    typeof v === 'number'
      ? v === 0
      : !!v &&
        typeof v === 'object' &&
        zero((v as { base?: unknown }).base ?? 0) &&
        ((v as { tiers?: { price: unknown }[] }).tiers ?? []).every((t) => zero(t.price));
  return inForce.every((c) => Object.values(c.prices).every(zero));
}

const hhmm = (t: string) => t.replace(/Z$/, '').slice(0, 8);

/**
 * genai-prices' `data.v2.json`: providers → models → prices, either one price set or a list of conditional ones
 * (the last matching wins). Dated entries become versions from `start_date`; the undated first price becomes a
 * version "since the feed's first record" (1970-01-01), which later dated versions close. Time-of-day entries
 * become windowed components of every version in force with them; prompt-size tiers are kept as cliff tiers.
 */
export function parseGenaiPrices(body: string): FeedParseResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new FeedFormatError(`genai-prices data is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(json)) throw new FeedFormatError('genai-prices v2 data must be a JSON array of providers.');
  const result: FeedParseResult = {
    adapter: 'genai-prices',
    entries: 0,
    records: [],
    invalid: [],
    ignoredFields: {},
    // Stated by this feed even when empty: a fallback it drops is dropped here too.
    providerFallbacks: [],
  };
  for (const p of json as { id?: string; models?: unknown[]; fallback_model_providers?: unknown }[]) {
    if (!p?.id || !Array.isArray(p.models)) throw new FeedFormatError('every provider needs an id and a models list');
    const provider = providerSlug(p.id);
    if (Array.isArray(p.fallback_model_providers) && p.fallback_model_providers.length) {
      result.providerFallbacks?.push({
        provider,
        fallbacks: p.fallback_model_providers.filter((f): f is string => typeof f === 'string').map(providerSlug),
      });
    }
    for (const raw of p.models as {
      id?: string;
      name?: string;
      prices?: unknown;
      context_window?: number;
      match?: unknown;
    }[]) {
      result.entries++;
      const ref = `${p.id}/${raw?.id}`;
      if (!raw?.id || !raw.prices) {
        result.invalid.push({ ref, reason: 'model without id or prices' });
        continue;
      }
      try {
        const list: Conditional[] = Array.isArray(raw.prices)
          ? (raw.prices as Conditional[])
          : [{ prices: raw.prices as Record<string, unknown> }];
        const dates = [
          ...new Set(list.map((c) => c.constraint?.start_date).filter((d): d is string => typeof d === 'string')),
        ].sort();
        const starts = list.some((c) => !c.constraint?.start_date) ? [null, ...dates] : dates;
        const versions: FeedVersion[] = [];
        for (const start of starts) {
          const at = start ?? '0000-00-00';
          const inForce = list.filter((c) => (c.constraint?.start_date ?? '0000-00-00') <= at);
          const plain = inForce.filter((c) => !c.constraint?.start_time);
          const base = plain[plain.length - 1];
          if (!base) continue;
          const windows = new Map<string, Conditional>();
          for (const c of inForce.filter((x) => x.constraint?.start_time && x.constraint?.end_time)) {
            windows.set(`${c.constraint?.start_time}-${c.constraint?.end_time}`, c);
          }
          versions.push({
            effectiveFrom: start ? new Date(`${start}T00:00:00Z`) : EPOCH,
            serviceTier: 'standard',
            region: '',
            currency: 'USD',
            components: [
              ...components(base.prices, null, result.ignoredFields),
              ...[...windows.values()].flatMap((c) =>
                components(
                  c.prices,
                  { start: hhmm(c.constraint?.start_time ?? ''), end: hhmm(c.constraint?.end_time ?? '') },
                  result.ignoredFields,
                ),
              ),
            ],
          });
        }
        // A model whose prices state nothing (or only zeros) is free by the feed's word (genai-prices' is_free);
        // prices in keys we do not know are not a statement of free.
        for (const v of versions) {
          if (statesFree(list, v.effectiveFrom) && v.components.every((c) => new Money(c.amount).isZero())) {
            // input/output 0 keep it in price lists; the marker makes every other unit 0 too (not unknown).
            const stated = v.components.filter((c) => !c.window_start);
            for (const unit of ['input', 'output']) {
              if (!stated.some((c) => c.unit === unit)) v.components.push({ unit, amount: '0' });
            }
            v.components.push({ unit: FREE_COMPONENT, amount: '0' });
          }
        }
        if (!versions.length || versions.every((v) => !v.components.length)) {
          result.invalid.push({ ref, reason: 'no usable prices' });
          continue;
        }
        const record: FeedRecord = {
          ref,
          provider,
          providerModelId: raw.id,
          displayName: raw.name,
          contextWindow: typeof raw.context_window === 'number' ? raw.context_window : null,
          matchRule: raw.match,
          versions,
        };
        result.records.push(record);
      } catch (e) {
        result.invalid.push({ ref, reason: (e as Error).message });
      }
    }
  }
  return result;
}
