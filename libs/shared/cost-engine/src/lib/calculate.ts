import { addFixed, Dec, Fixed, fixed, fixedToString, scaleBy, str } from './money';
import { RateComponent, selectRates } from './rates';
import { normalizeUsage, Usage } from './usage';

export interface PriceInput {
  currency: string;
  components: RateComponent[];
}

export interface CostLine {
  /** The usage part priced (input, cache_read, reasoning, request, …). */
  part: string;
  quantity: number;
  /** The price unit whose rate was used (a part without its own rate is priced at its parent's). */
  rate_unit: string;
  rate: string;
  amount: string;
}

export interface CostResult {
  total: string;
  currency: string;
  /** Amount per usage part, decimal strings at full precision. */
  breakdown: Record<string, string>;
  lines: CostLine[];
  /** The prompt-size tier applied (0 = base): the largest threshold the whole prompt is strictly above. */
  tier: number;
}

export class UnknownPriceError extends Error {
  constructor(readonly units: string[]) {
    super(
      `No price is known for ${units.join(', ')}: the cost is unknown, not zero. ` +
        'Add the component to the price (or send usage without it).',
    );
    this.name = 'UnknownPriceError';
  }
}

type Counts = (k: keyof Usage) => number;
/** Prompt parts inside input_tokens, and output parts inside output_tokens (cached audio is inside both caches). */
const inputParts = (n: Counts) =>
  n('cache_read_tokens') +
  n('cache_write_tokens') +
  n('cache_write_5m_tokens') +
  n('cache_write_1h_tokens') +
  n('input_audio_tokens') +
  n('input_image_tokens') +
  n('input_video_tokens') -
  n('cache_audio_read_tokens');
const outputParts = (n: Counts) => n('output_reasoning_tokens') + n('output_audio_tokens') + n('output_image_tokens');

/**
 * Each priced part of a call: its quantity, the rate units to try (own rate first, then the parents') and whether
 * the rate is per million tokens or per item. A module constant: built once, not per call.
 */
const PARTS: { part: string; qty: (n: Counts) => number; chain: string[]; perToken: boolean }[] = [
  { part: 'input', qty: (n) => n('input_tokens') - inputParts(n), chain: ['input'], perToken: true },
  { part: 'output', qty: (n) => n('output_tokens') - outputParts(n), chain: ['output'], perToken: true },
  {
    part: 'cache_read',
    qty: (n) => n('cache_read_tokens') - n('cache_audio_read_tokens'),
    chain: ['cache_read', 'input'],
    perToken: true,
  },
  {
    part: 'cache_read_audio',
    qty: (n) => n('cache_audio_read_tokens'),
    chain: ['cache_read_audio', 'cache_read', 'input_audio', 'input'],
    perToken: true,
  },
  {
    part: 'cache_write',
    qty: (n) => n('cache_write_tokens') + n('cache_write_5m_tokens'),
    chain: ['cache_write', 'input'],
    perToken: true,
  },
  {
    part: 'cache_write_1h',
    qty: (n) => n('cache_write_1h_tokens'),
    chain: ['cache_write_1h', 'cache_write', 'input'],
    perToken: true,
  },
  {
    part: 'input_audio',
    qty: (n) => n('input_audio_tokens') - n('cache_audio_read_tokens'),
    chain: ['input_audio', 'input'],
    perToken: true,
  },
  {
    part: 'input_image_tokens',
    qty: (n) => n('input_image_tokens'),
    chain: ['input_image_tokens', 'input'],
    perToken: true,
  },
  { part: 'input_video', qty: (n) => n('input_video_tokens'), chain: ['input_video', 'input'], perToken: true },
  { part: 'reasoning', qty: (n) => n('output_reasoning_tokens'), chain: ['reasoning', 'output'], perToken: true },
  { part: 'output_audio', qty: (n) => n('output_audio_tokens'), chain: ['output_audio', 'output'], perToken: true },
  {
    part: 'output_image_tokens',
    qty: (n) => n('output_image_tokens'),
    chain: ['output_image_tokens', 'output'],
    perToken: true,
  },
  { part: 'request', qty: (n) => n('requests'), chain: ['request'], perToken: false },
  { part: 'web_search', qty: (n) => n('web_searches'), chain: ['web_search'], perToken: false },
  { part: 'image_output', qty: (n) => n('images'), chain: ['image_output'], perToken: false },
  { part: 'image_input', qty: (n) => n('input_images'), chain: ['image_input'], perToken: false },
];

/**
 * The cost of one call: usage × the rates in force (tier by whole prompt, time window by `at`), each part of the
 * prompt or output at its own rate or else its parent's, never counted twice; per-item counts at their item rates.
 * Exact decimal arithmetic throughout; a used quantity without any rate throws UnknownPriceError.
 */
export function calculateCost(rawUsage: Usage, price: PriceInput, at: Date): CostResult {
  const usage = normalizeUsage(rawUsage as Record<string, unknown>);
  const n: Counts = (k) => usage[k] ?? 0;
  const { rates, tier } = selectRates(price.components, { promptTokens: n('input_tokens'), at });

  const lines: CostLine[] = [];
  const missing: string[] = [];
  let total: Fixed = { units: 0n, scale: 0 };
  const breakdown: Record<string, string> = {};
  for (const p of PARTS) {
    const qty = p.qty(n);
    if (qty <= 0) continue;
    const rateUnit = p.chain.find((u) => rates[u] !== undefined);
    if (!rateUnit) {
      missing.push(p.chain[0]);
      continue;
    }
    // Exact: rate × whole quantity ÷ 10^6 (per million tokens) or ÷ 1 (per item).
    const amount = scaleBy(fixed(rates[rateUnit]), qty, p.perToken ? 6 : 0);
    total = addFixed(total, amount);
    const text = fixedToString(amount);
    breakdown[p.part] = text;
    lines.push({ part: p.part, quantity: qty, rate_unit: rateUnit, rate: rates[rateUnit], amount: text });
  }
  if (missing.length) throw new UnknownPriceError(missing);
  return {
    total: fixedToString(total),
    currency: price.currency,
    breakdown,
    lines,
    tier,
  };
}

/** A cost in another currency at a given rate (units of the target per unit of the source), full precision. */
export function convert(amount: string, rate: string): string {
  return str(new Dec(amount).times(rate));
}

/** Rounded for display only (half-even), e.g. 6 decimals for sub-cent amounts. */
export function display(amount: string, decimals = 6): string {
  return new Dec(amount).toDecimalPlaces(decimals).toFixed(decimals);
}

export interface DatedPrice extends PriceInput {
  effective_from: string;
  effective_to: string | null;
}

/** The version in force at an instant ([from, to)), or null: a call is priced at the price of its moment. */
export function versionAt<T extends DatedPrice>(versions: T[], at: Date): T | null {
  const t = at.getTime();
  return (
    versions.find(
      (v) => Date.parse(v.effective_from) <= t && (v.effective_to === null || Date.parse(v.effective_to) > t),
    ) ?? null
  );
}
