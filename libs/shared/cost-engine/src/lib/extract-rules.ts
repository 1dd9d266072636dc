import { PROVIDER_EXTRACTORS } from './extractors.generated';
import { OWN_EXTRACTORS, SUPPLEMENTS } from './extractors.own';
import { matchesClause } from './match';

/** A step of a path into a response: a key, or the element of an array whose `field` matches (Gemini's modalities). */
export type PathStep = string | { type: 'array-match'; field: string; match: unknown };

/** One field of a provider's usage and the unit it counts toward (several fields may add up to one unit). */
export interface UsageMapping {
  path: PathStep[];
  dest: string;
  required: boolean;
}

/** Where one API flavor of a provider puts its usage: the root object, the model's path, the fields. */
export interface UsageExtractor {
  flavor: string;
  root: string[];
  modelPath: string | null;
  mappings: UsageMapping[];
}

export interface ProviderExtractors {
  provider: string;
  providerMatch: unknown;
  extractors: UsageExtractor[];
}

/** Our provider slugs (and other common spellings) → the extractor table's provider ids. */
const PROVIDER_IDS: Record<string, string> = {
  bedrock: 'aws',
  'amazon-bedrock': 'aws',
  xai: 'x-ai',
  mistralai: 'mistral',
  'vertex-ai': 'google',
  vertex_ai: 'google',
  gemini: 'google',
  moonshot: 'moonshotai',
  'azure-ai': 'azure',
  'z-ai': 'zai',
};

/** genai-prices' table with our supplements added to the extractors they name, then our own shapes. */
const byId = new Map(
  [
    ...PROVIDER_EXTRACTORS.map((p) => ({
      ...p,
      extractors: p.extractors.map((e) => {
        const extra = SUPPLEMENTS[`${p.provider}/${e.flavor}`];
        return extra ? { ...e, mappings: [...e.mappings, ...extra] } : e;
      }),
    })),
    ...OWN_EXTRACTORS,
  ].map((p) => [p.provider, p]),
);

/** The extractors of a provider as clients name it (id, our slug, or the table's provider_match), or null. */
export function providerExtractors(provider: string | undefined): ProviderExtractors | null {
  if (!provider) return null;
  const p = provider.trim().toLowerCase();
  const hit = byId.get(p) ?? byId.get(PROVIDER_IDS[p] ?? '');
  if (hit) return hit;
  const matched = PROVIDER_EXTRACTORS.find((x) => x.providerMatch && matchesClause(x.providerMatch, p));
  return matched ? (byId.get(matched.provider) ?? null) : null;
}

/** One extractor by provider id and flavor (throws when the table lacks it: a programming error). */
export function extractorOf(provider: string, flavor: string): UsageExtractor {
  const e = byId.get(provider)?.extractors.find((x) => x.flavor === flavor);
  if (!e) throw new Error(`no extractor ${provider}/${flavor}`);
  return e;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/** The value at a path (keys and array matches), or undefined. */
export function at(value: unknown, path: readonly PathStep[]): unknown {
  let cur: unknown = value;
  for (const step of path) {
    if (typeof step === 'string') {
      const o = obj(cur);
      if (!o) return undefined;
      cur = o[step];
    } else {
      if (!Array.isArray(cur)) return undefined;
      cur = cur.find((x) => {
        const f = obj(x)?.[step.field];
        return typeof f === 'string' && matchesClause(step.match, f);
      });
    }
    if (cur === undefined || cur === null) return undefined;
  }
  return cur;
}

/** Whether the last step of a path names a key that is present with the value null. */
function isNullField(root: Obj, path: readonly PathStep[]): boolean {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return false;
  const parent = path.length === 1 ? root : obj(at(root, path.slice(0, -1)));
  return !!parent && last in parent && parent[last] === null;
}

/**
 * The usage an extractor reads from a response's events: for each field the last value any event states (streams
 * repeat or complete earlier figures: Anthropic's message_start then message_delta), summed into units. Null when no
 * event has the extractor's root, or a required field is missing.
 */
export function applyExtractor(
  extractor: UsageExtractor,
  list: readonly Obj[],
): { usage: Record<string, number>; model?: string; matched: number } | null {
  const values: (number | undefined)[] = new Array(extractor.mappings.length).fill(undefined);
  let model: string | undefined;
  let found = false;
  for (const event of list) {
    // A stream's events wrap the body (`message_start.message`, `response.completed.response`, Bedrock's `metadata`).
    for (const body of [event, obj(event['message']), obj(event['response']), obj(event['metadata'])]) {
      if (!body) continue;
      const root = obj(at(body, extractor.root));
      if (!root) continue;
      found = true;
      extractor.mappings.forEach((m, i) => {
        const v = at(root, m.path);
        if (typeof v === 'number' && Number.isFinite(v)) values[i] = v;
        // A field present as null (Anthropic streams, some proxies) counts 0: present, not missing.
        else if (v === undefined && values[i] === undefined && isNullField(root, m.path)) values[i] = 0;
      });
      if (extractor.modelPath) {
        const m = at(body, [extractor.modelPath]);
        if (typeof m === 'string' && m) model = m;
      }
    }
  }
  if (!found) return null;
  if (extractor.mappings.some((m, i) => m.required && values[i] === undefined)) return null;
  const usage: Record<string, number> = {};
  extractor.mappings.forEach((m, i) => {
    const v = values[i];
    if (v === undefined || v <= 0) return;
    usage[m.dest] = (usage[m.dest] ?? 0) + Math.round(v);
  });
  return { usage, model, matched: values.filter((v) => v !== undefined).length };
}
