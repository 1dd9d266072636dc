import { Dec, str } from './money';
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

/** Token parts: usage key → the rate units to try, own rate first, then the parents'. */
const TOKEN = 1_000_000;

/**
 * The cost of one call: usage × the rates in force (tier by whole prompt, time window by `at`), each part of the
 * prompt or output at its own rate or else its parent's, never counted twice; per-item counts at their item rates.
 * Decimal throughout; a used quantity without any rate throws UnknownPriceError.
 */
export function calculateCost(rawUsage: Usage, price: PriceInput, at: Date): CostResult {
  const usage = normalizeUsage(rawUsage as Record<string, unknown>);
  const n = (k: keyof Usage) => usage[k] ?? 0;
  const { rates, tier } = selectRates(price.components, { promptTokens: n('input_tokens'), at });

  const cachedAudio = n('cache_audio_read_tokens');
  const parts: { part: string; qty: number; chain: string[]; per: number }[] = [
    { part: 'cache_read', qty: n('cache_read_tokens') - cachedAudio, chain: ['cache_read', 'input'], per: TOKEN },
    {
      part: 'cache_read_audio',
      qty: cachedAudio,
      chain: ['cache_read_audio', 'cache_read', 'input_audio', 'input'],
      per: TOKEN,
    },
    {
      part: 'cache_write',
      qty: n('cache_write_tokens') + n('cache_write_5m_tokens'),
      chain: ['cache_write', 'input'],
      per: TOKEN,
    },
    {
      part: 'cache_write_1h',
      qty: n('cache_write_1h_tokens'),
      chain: ['cache_write_1h', 'cache_write', 'input'],
      per: TOKEN,
    },
    { part: 'input_audio', qty: n('input_audio_tokens') - cachedAudio, chain: ['input_audio', 'input'], per: TOKEN },
    { part: 'input_image_tokens', qty: n('input_image_tokens'), chain: ['input_image_tokens', 'input'], per: TOKEN },
    { part: 'input_video', qty: n('input_video_tokens'), chain: ['input_video', 'input'], per: TOKEN },
    { part: 'reasoning', qty: n('output_reasoning_tokens'), chain: ['reasoning', 'output'], per: TOKEN },
    { part: 'output_audio', qty: n('output_audio_tokens'), chain: ['output_audio', 'output'], per: TOKEN },
    {
      part: 'output_image_tokens',
      qty: n('output_image_tokens'),
      chain: ['output_image_tokens', 'output'],
      per: TOKEN,
    },
    { part: 'request', qty: n('requests'), chain: ['request'], per: 1 },
    { part: 'web_search', qty: n('web_searches'), chain: ['web_search'], per: 1 },
    { part: 'image_output', qty: n('images'), chain: ['image_output'], per: 1 },
    { part: 'image_input', qty: n('input_images'), chain: ['image_input'], per: 1 },
  ];
  const inputParts =
    n('cache_read_tokens') +
    n('cache_write_tokens') +
    n('cache_write_5m_tokens') +
    n('cache_write_1h_tokens') +
    n('input_audio_tokens') +
    n('input_image_tokens') +
    n('input_video_tokens') -
    cachedAudio;
  const outputParts = n('output_reasoning_tokens') + n('output_audio_tokens') + n('output_image_tokens');
  parts.unshift(
    { part: 'input', qty: n('input_tokens') - inputParts, chain: ['input'], per: TOKEN },
    { part: 'output', qty: n('output_tokens') - outputParts, chain: ['output'], per: TOKEN },
  );

  const lines: CostLine[] = [];
  const missing: string[] = [];
  let total = new Dec(0);
  for (const p of parts) {
    if (p.qty <= 0) continue;
    const rateUnit = p.chain.find((u) => rates[u] !== undefined);
    if (!rateUnit) {
      missing.push(p.chain[0]);
      continue;
    }
    const amount = new Dec(rates[rateUnit]).times(p.qty).div(p.per);
    total = total.plus(amount);
    lines.push({ part: p.part, quantity: p.qty, rate_unit: rateUnit, rate: rates[rateUnit], amount: str(amount) });
  }
  if (missing.length) throw new UnknownPriceError(missing);
  return {
    total: str(total),
    currency: price.currency,
    breakdown: Object.fromEntries(lines.map((l) => [l.part, l.amount])),
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
