import { addFixed, Dec, Fixed, fixed, fixedToString, scaleBy, str } from './money';
import { RateComponent, selectRates } from './rates';
import { FREE_COMPONENT, nearestParts, UNIT_BY_COMPONENT, UNIT_BY_KEY, UnitDef, unionTerms } from './unit-registry';
import { countOf, readUsage, Usage, UsageShape } from './usage';

export interface PriceInput {
  currency: string;
  components: RateComponent[];
}

export interface CostLine {
  /** The price component charged (input, cache_read, reasoning, request, …). */
  part: string;
  /** The registry unit it prices (input_tokens, cache_read_tokens, …). */
  usage_key: string;
  /** The count charged at this rate: the unit's count less its more specific priced parts. */
  quantity: number;
  /** The component whose rate was used (the same as `part`: a part without a rate is counted in its ancestor's). */
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
  /** The input side's cost (units with direction input), as genai-prices' input_price. */
  input: string;
  /** The output side's cost, as genai-prices' output_price. */
  output: string;
  /** How the usage's counts were read when they did not follow units.yml (empty when they did). */
  conventions: string[];
  /** The usage as priced, in units.yml's convention (after any reading in `conventions`). */
  usage: Usage;
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

/** What a set of rates prices: its units, each with the inclusion–exclusion terms of its priced parts. */
interface Plan {
  priced: {
    unit: UnitDef;
    rate: string;
    /** The component whose rate applies: the unit's own, or for an unpriced overlap the rate that takes it. */
    rateUnit: string;
    fixed: Fixed;
    parts: { unit: UnitDef; sign: 1 | -1 }[];
  }[];
  pricedIndex: ReadonlySet<number>;
  free: boolean;
}
const plans = new WeakMap<Readonly<Record<string, string>>, Plan>();

function planFor(rates: Readonly<Record<string, string>>): Plan {
  const hit = plans.get(rates);
  if (hit) return hit;
  const units: UnitDef[] = [];
  const rateOf = new Map<UnitDef, { rate: string; from: string }>();
  for (const component of Object.keys(rates)) {
    const unit = UNIT_BY_COMPONENT.get(component);
    // A unit outside the registry prices nothing a usage can name; an alias and its new name: the first wins.
    if (!unit || rateOf.has(unit)) continue;
    units.push(unit);
    rateOf.set(unit, { rate: rates[component], from: unit.component });
  }
  // Two priced units that overlap (cache_read and input_audio both hold cached audio) without a price for the
  // overlap itself: the overlap is priced once, at the cache's rate (a token type wins over a modality, as before the
  // registry), so no token is charged in both lines. Repeated until every overlap of priced units is priced.
  for (let added = true; added;) {
    added = false;
    for (const a of [...units]) {
      for (const b of [...units]) {
        if (a.index >= b.index || a.family !== b.family) continue;
        if (a.ancestors.has(b.index) || b.ancestors.has(a.index)) continue;
        const j = unionTerms([a, b]).find((t) => t.sign === -1)?.unit;
        if (!j || rateOf.has(j)) continue;
        const winner = 'token_type' in a.dimensions || !('token_type' in b.dimensions) ? a : b;
        units.push(j);
        rateOf.set(j, rateOf.get(winner) as { rate: string; from: string });
        added = true;
      }
    }
  }
  units.sort((a, b) => a.index - b.index);
  const free = rates[FREE_COMPONENT];
  const plan: Plan = {
    priced: units.map((unit) => {
      const r = rateOf.get(unit) as { rate: string; from: string };
      return {
        unit,
        rate: r.rate,
        rateUnit: r.from,
        fixed: fixed(r.rate),
        parts: unionTerms(nearestParts(unit, units)),
      };
    }),
    pricedIndex: new Set(units.map((u) => u.index)),
    // Only a free marker of amount 0 makes unpriced units free (a hand-entered `free` with an amount is no marker).
    free: free !== undefined && fixed(free).units === 0n,
  };
  // Rates of windowed prices are built per call: only the memoized (frozen) ones are worth remembering.
  if (Object.isFrozen(rates)) plans.set(rates, plan);
  return plan;
}

const INPUT = UNIT_BY_KEY.get('input_tokens') as UnitDef;
const REQUESTS = UNIT_BY_KEY.get('requests') as UnitDef;

/**
 * The cost of one call, by genai-prices' unit registry: each priced unit is charged for the part of its count that no
 * more specific priced unit takes (input pays for the prompt that is not a priced cache read, audio, image…; a cache
 * write priced by TTL pays the rest of the writes), so no token counts twice, whatever combination of totals and parts
 * the usage has. A count without a price of its own or of a unit containing it makes the cost unknown (never free),
 * unless the feed marked the model free. One request is counted when the price has a per-request rate and the usage
 * names none. Tier by the whole prompt (cache included), window by `at`. Exact decimal arithmetic.
 */
export function calculateCost(rawUsage: Usage, price: PriceInput, at: Date): CostResult {
  const { usage, conventions, shape } = readUsage(rawUsage as Record<string, unknown>);
  const { rates, tier } = selectRates(price.components, { promptTokens: countOf(INPUT, usage, shape), at });
  const plan = planFor(rates);

  if (!plan.free) {
    const missing = missingFor(shape, plan);
    if (missing.length) throw new UnknownPriceError(missing);
  }

  const lines: CostLine[] = [];
  const breakdown: Record<string, string> = {};
  let total: Fixed = { units: 0n, scale: 0 };
  let input: Fixed = { units: 0n, scale: 0 };
  let output: Fixed = { units: 0n, scale: 0 };
  for (const p of plan.priced) {
    // One request when the price has a per-request rate and the usage names none (an explicit 0 stays 0).
    let qty = p.unit === REQUESTS && rawUsage.requests === undefined ? 1 : countOf(p.unit, usage, shape);
    if (qty <= 0) continue;
    for (const t of p.parts) qty -= t.sign * countOf(t.unit, usage, shape);
    // Below 0 only when overlaps nobody reported were taken as disjoint (validation checked the known ones).
    if (qty <= 0) continue;
    // Exact: rate × whole quantity ÷ 10^6 (per million tokens) or ÷ 1 (per item).
    const amount = scaleBy(p.fixed, qty, p.unit.perToken ? 6 : 0);
    total = addFixed(total, amount);
    if (p.unit.direction === 'input') input = addFixed(input, amount);
    else if (p.unit.direction === 'output') output = addFixed(output, amount);
    const text = fixedToString(amount);
    breakdown[p.unit.component] = text;
    lines.push({
      part: p.unit.component,
      usage_key: p.unit.key,
      quantity: qty,
      rate_unit: p.rateUnit,
      rate: p.rate,
      amount: text,
    });
  }
  return {
    total: fixedToString(total),
    currency: price.currency,
    breakdown,
    lines,
    tier,
    input: fixedToString(input),
    output: fixedToString(output),
    conventions,
    usage,
  };
}

/** The reported units neither the price nor any price of a unit containing them covers (memoized per shape). */
function missingFor(shape: UsageShape, plan: Plan): string[] {
  let byPlan = missingMemo.get(shape);
  if (!byPlan) {
    byPlan = new WeakMap();
    missingMemo.set(shape, byPlan);
  }
  let missing = byPlan.get(plan);
  if (!missing) {
    missing = [];
    for (const r of shape.reported) {
      if (plan.pricedIndex.has(r.index)) continue;
      let covered = false;
      for (const a of r.ancestors) if (plan.pricedIndex.has(a)) covered = true;
      if (!covered) missing.push(r.component);
    }
    byPlan.set(plan, missing);
  }
  return missing;
}
const missingMemo = new WeakMap<UsageShape, WeakMap<Plan, string[]>>();

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
