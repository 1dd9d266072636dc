import { nearestParts, UNIT_BY_KEY, UnitDef, unionTerms, USAGE_KEYS, UsageKey } from './unit-registry';

/**
 * Normalized usage in the convention of genai-prices' unit registry (units.yml): `input_tokens` counts every prompt
 * token and the cache/audio/image/video/tool token counts are parts of it; `cache_write_tokens` counts every cache
 * write and `cache_write_5m_tokens` / `cache_write_1h_tokens` are parts of it; `output_tokens` counts every output
 * token and the reasoning/audio/image/citation counts are parts of it. Units of other families (requests, searches,
 * seconds, characters, pages, images) stand alone. Every key of the registry is accepted.
 */
export type Usage = { [K in UsageKey]?: number };

export { USAGE_KEYS };

export class UsageError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Usage as read, in the registry's convention, and how the client's counts were read when they used another one. */
export interface ReadUsage {
  usage: Usage;
  /** Empty when the usage already followed units.yml; else one sentence per reading applied. */
  conventions: string[];
  /** The usage's shape (its set of keys), for pricing it without computing it again. */
  shape: UsageShape;
}

export const CONVENTION_STANDARD =
  'units.yml: input_tokens and output_tokens are totals; cache, audio, image, reasoning and other counts are parts of them';
export const CONVENTION_INPUT_EXCLUDES_CACHE =
  'input_tokens excluded cache reads and writes (Anthropic style): the whole prompt is input + cache_read + cache_write';
export const CONVENTION_OUTPUT_EXCLUDES_REASONING =
  'output_tokens excluded reasoning (xAI / Gemini style): all output is output + reasoning';
export const CONVENTION_CACHE_WRITE_UNSTATED_TTL =
  'cache_write_tokens counted writes without a stated TTL, apart from cache_write_5m/1h_tokens: the total is their sum';

const u = (k: UsageKey) => UNIT_BY_KEY.get(k) as UnitDef;
const INPUT = u('input_tokens');
const OUTPUT = u('output_tokens');

/**
 * What a usage's set of reported keys needs, computed once per set (calls repeat a handful of shapes): the units,
 * and per unit the inclusion–exclusion terms that infer its count from its reported parts.
 */
export interface UsageShape {
  reported: readonly UnitDef[];
  reportedIndex: ReadonlySet<number>;
  /** Whether some reported count is a part of another (only then can parts exceed a total). */
  nested: boolean;
  /** Reported units with reported parts: the parts, and the terms of their union. */
  totals: { unit: UnitDef; parts: UnitDef[]; terms: { unit: UnitDef; sign: 1 | -1 }[] }[];
  infer: Map<number, { unit: UnitDef; sign: 1 | -1 }[]>;
}
const shapes = new Map<string, UsageShape>();

export function shapeOf(usage: Usage): UsageShape {
  const keys = Object.keys(usage);
  const id = keys.join(',');
  let shape = shapes.get(id);
  if (!shape) {
    const reported = keys.map((k) => UNIT_BY_KEY.get(k) as UnitDef);
    const totals = reported
      .map((unit) => ({ unit, parts: nearestParts(unit, reported) }))
      .filter((t) => t.parts.length)
      .map((t) => ({ ...t, terms: unionTerms(t.parts) }));
    shape = {
      reported,
      reportedIndex: new Set(reported.map((r) => r.index)),
      nested: totals.length > 0,
      totals,
      infer: new Map(),
    };
    if (shapes.size > 1000) shapes.clear();
    shapes.set(id, shape);
  }
  return shape;
}

/**
 * A unit's count: as reported, else inferred from its reported parts (the size of their union: a part never counts
 * twice), else 0.
 */
export function countOf(unit: UnitDef, usage: Usage, shape: UsageShape): number {
  const own = usage[unit.key];
  if (own !== undefined) return own;
  let terms = shape.infer.get(unit.index);
  if (!terms) {
    terms = unionTerms(nearestParts(unit, shape.reported));
    shape.infer.set(unit.index, terms);
  }
  let sum = 0;
  for (const t of terms) sum += t.sign * countOf(t.unit, usage, shape);
  return sum;
}

/** The size of the union of a total's reported parts (0 when it has none). */
function partsCount(total: UnitDef, usage: Usage, shape: UsageShape): number {
  const t = shape.totals.find((x) => x.unit === total);
  if (!t) return 0;
  let sum = 0;
  for (const term of t.terms) sum += term.sign * countOf(term.unit, usage, shape);
  return sum;
}

/**
 * Checks a usage and reads it in the registry's convention: counts whole and ≥ 0, keys from the registry, parts that
 * fit in their totals. Clients that count otherwise are read as they count, and the answer says so: Anthropic's
 * `input_tokens` without the cache, reasoning reported apart from `output_tokens`, or an unstated-TTL
 * `cache_write_tokens` beside its 5m/1h parts. Anything else that does not fit is a UsageError.
 */
export function readUsage(raw: Record<string, unknown>, options: { asReported?: boolean } = {}): ReadUsage {
  const usage: Usage = {};
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (!UNIT_BY_KEY.has(key)) {
      throw new UsageError(
        `Unknown usage field "${key}". Usage fields are the units of genai-prices' units.yml ` +
          `(input_tokens, output_tokens, cache_read_tokens, …): GET /api/v1/costs/units lists them.`,
        key,
      );
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new UsageError(`${key} must be a whole number ≥ 0.`, key);
    }
    if (value > 0) usage[key as UsageKey] = value;
  }
  const shape = shapeOf(usage);
  if (!shape.nested || firstMisfit(usage, shape) === null) return { usage, conventions: [], shape };
  const conventions: string[] = [];
  // As reported: a provider's own figures are kept even when its per-modality details overlap its totals.
  if (options.asReported) return { usage, conventions, shape };

  const w5 = usage.cache_write_5m_tokens ?? 0;
  const w1h = usage.cache_write_1h_tokens ?? 0;
  if (usage.cache_write_tokens !== undefined && w5 + w1h > usage.cache_write_tokens) {
    usage.cache_write_tokens += w5 + w1h;
    conventions.push(CONVENTION_CACHE_WRITE_UNSTATED_TTL);
  }
  if (usage.input_tokens !== undefined) {
    const parts = partsCount(INPUT, usage, shape);
    if (parts > usage.input_tokens) {
      const cache = countOf(u('cache_read_tokens'), usage, shape) + countOf(u('cache_write_tokens'), usage, shape);
      if (cache > 0 && parts <= usage.input_tokens + cache) {
        usage.input_tokens += cache;
        conventions.push(CONVENTION_INPUT_EXCLUDES_CACHE);
      }
    }
  }
  if (usage.output_tokens !== undefined) {
    const parts = partsCount(OUTPUT, usage, shape);
    const reasoning = usage.output_reasoning_tokens ?? 0;
    if (parts > usage.output_tokens && reasoning > 0 && parts <= usage.output_tokens + reasoning) {
      usage.output_tokens += reasoning;
      conventions.push(CONVENTION_OUTPUT_EXCLUDES_REASONING);
    }
  }
  return misfitError(usage, shapeOf(usage), conventions);
}

/** The usage as it is when its parts fit, else the UsageError that names the first total they exceed. */
function misfitError(usage: Usage, shape: UsageShape, conventions: string[] = []): ReadUsage {
  const misfit = firstMisfit(usage, shape);
  if (misfit) {
    const { total, parts, sum } = misfit;
    throw new UsageError(
      `The parts of ${total.key} (${parts.map((p) => p.key).join(', ')}: ${sum}) exceed ${total.key} ` +
        `(${usage[total.key]}). ` +
        (total === INPUT
          ? 'input_tokens counts the whole prompt, cache reads and writes included.'
          : total === OUTPUT
            ? 'output_tokens counts all output, reasoning included.'
            : `${total.key} counts all of them.`),
      total.key,
    );
  }
  return { usage, conventions, shape };
}

/** Whether a unit's count is reported, or follows from reported parts. */
function knowable(unit: UnitDef, usage: Usage, shape: UsageShape): boolean {
  return usage[unit.key] !== undefined || shape.reported.some((r) => r.ancestors.has(unit.index));
}

/** The first reported total whose reported parts add up to more than it, or null. */
function firstMisfit(usage: Usage, shape: UsageShape): { total: UnitDef; parts: UnitDef[]; sum: number } | null {
  for (const t of shape.totals) {
    // An overlap nobody reported (Gemini's per-modality counts beside its cache count) is unknown: then only the
    // largest part is sure to fit.
    const known = t.terms.every((term) => term.sign === 1 || knowable(term.unit, usage, shape));
    let sum = 0;
    if (known) for (const term of t.terms) sum += term.sign * countOf(term.unit, usage, shape);
    else for (const part of t.parts) sum = Math.max(sum, countOf(part, usage, shape));
    if (sum > (usage[t.unit.key] as number)) return { total: t.unit, parts: t.parts, sum };
  }
  return null;
}

/** `readUsage` without the conventions: the usage in the registry's convention. */
export function normalizeUsage(raw: Record<string, unknown>, options: { asReported?: boolean } = {}): Usage {
  return readUsage(raw, options).usage;
}
