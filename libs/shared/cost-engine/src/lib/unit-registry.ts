import { UNIT_SPECS } from './units.generated';

/** One billable unit as the registry states it (genai-prices' units.yml, plus the units LiteLLM prices). */
export interface UnitSpec {
  /** The usage key clients report (`cache_read_tokens`). */
  key: string;
  /** Our price-component name for it (`cache_read`). */
  component: string;
  /** genai-prices' price key (`cache_read_mtok`), null for units only LiteLLM prices. */
  priceKey: string | null;
  /** How many counted items one of the registry's price units covers (1M tokens, 1,000 requests, 3,600 seconds). */
  per: number;
  /** What the unit is: containment defines ancestry (input_tokens ⊃ cache_read_tokens). `family` is required. */
  dimensions: Readonly<Record<string, string>>;
  source: 'genai-prices' | 'litellm';
}

/** Every usage key the API accepts. */
export type UsageKey = (typeof UNIT_SPECS)[number]['key'];

export interface UnitDef extends UnitSpec {
  key: UsageKey;
  index: number;
  family: string;
  /** input / output, or null for units that count toward the total only (requests, searches, durations). */
  direction: 'input' | 'output' | null;
  /** Tokens are priced per 1M; every other unit is stored per single item. */
  perToken: boolean;
  /** Indices of the units that contain this one (same family, a subset of its dimensions). */
  ancestors: ReadonlySet<number>;
}

const isSubset = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  Object.entries(a).every(([k, v]) => b[k] === v);

export const UNITS: readonly UnitDef[] = (UNIT_SPECS as readonly UnitSpec[]).map((s, index) => ({
  ...s,
  key: s.key as UsageKey,
  index,
  family: s.dimensions['family'],
  direction: (s.dimensions['direction'] as 'input' | 'output' | undefined) ?? null,
  perToken: s.dimensions['family'] === 'tokens',
  ancestors: new Set<number>(),
}));
for (const u of UNITS) {
  for (const a of UNITS) {
    if (a !== u && a.family === u.family && isSubset(a.dimensions, u.dimensions))
      (u.ancestors as Set<number>).add(a.index);
  }
}

export const USAGE_KEYS: readonly UsageKey[] = UNITS.map((u) => u.key);
export const UNIT_BY_KEY: ReadonlyMap<string, UnitDef> = new Map(UNITS.map((u) => [u.key, u]));

/** Component names stored before the registry existed (LiteLLM per-second/character/page/query prices). */
export const COMPONENT_ALIASES: Readonly<Record<string, string>> = {
  input_second: 'input_seconds',
  output_second: 'output_seconds',
  input_character: 'input_characters',
  output_character: 'output_characters',
  page: 'input_document_pages',
  query: 'queries',
};

export const UNIT_BY_COMPONENT: ReadonlyMap<string, UnitDef> = new Map([
  ...UNITS.map((u) => [u.component, u] as const),
  ...Object.entries(COMPONENT_ALIASES).map(
    ([alias, comp]) => [alias, UNITS.find((u) => u.component === comp)] as const,
  ),
]) as ReadonlyMap<string, UnitDef>;
export const UNIT_BY_PRICE_KEY: ReadonlyMap<string, UnitDef> = new Map(
  UNITS.filter((u) => u.priceKey).map((u) => [u.priceKey as string, u]),
);

/** A price component saying "everything this model does is free" (a feed's free marker), amount 0. */
export const FREE_COMPONENT = 'free';

/** The component names a price may have: the registry's, the legacy aliases, and the free marker. */
export const COMPONENT_UNITS: readonly string[] = [
  ...UNITS.map((u) => u.component),
  ...Object.keys(COMPONENT_ALIASES),
  FREE_COMPONENT,
];

/** Whether a stored component's amount is per 1M tokens (token units) or per single item. */
export function componentPerToken(component: string): boolean {
  return UNIT_BY_COMPONENT.get(component)?.perToken ?? false;
}

/** The unit that joins two units (the most specific one with both's dimensions), if compatible and registered. */
function joinOf(a: UnitDef, b: UnitDef): UnitDef | null | undefined {
  if (a.family !== b.family) return null;
  const dims: Record<string, string> = { ...a.dimensions };
  for (const [k, v] of Object.entries(b.dimensions)) {
    if (dims[k] !== undefined && dims[k] !== v) return null; // incompatible: the sets are disjoint
    dims[k] = v;
  }
  // Compatible: the join exists (units.yml is join-closed) or is not registered (undefined: no usage can name it).
  return UNITS.find(
    (u) =>
      u.family === a.family &&
      Object.keys(u.dimensions).length === Object.keys(dims).length &&
      isSubset(dims, u.dimensions),
  );
}

/**
 * Inclusion–exclusion terms for the union of some units' counts: each term is the join of a non-empty subset with its
 * sign (+ for odd subsets). Disjoint subsets (incompatible dimensions) drop out; unregistered joins count 0.
 */
export function unionTerms(units: readonly UnitDef[]): { unit: UnitDef; sign: 1 | -1 }[] {
  const out: { unit: UnitDef; sign: 1 | -1 }[] = [];
  const walk = (start: number, acc: UnitDef | null, size: number) => {
    for (let i = start; i < units.length; i++) {
      const j = acc === null ? units[i] : joinOf(acc, units[i]);
      if (!j) continue;
      out.push({ unit: j, sign: (size + 1) % 2 === 1 ? 1 : -1 });
      walk(i + 1, j, size + 1);
    }
  };
  walk(0, null, 0);
  return out;
}

/** The units among `set` that are strict descendants of `u` and not below another such unit: its nearest parts. */
export function nearestParts(u: UnitDef, set: readonly UnitDef[]): UnitDef[] {
  const below = set.filter((d) => d !== u && d.ancestors.has(u.index));
  return below.filter((d) => !below.some((o) => o !== d && d.ancestors.has(o.index)));
}
