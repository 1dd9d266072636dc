import { sameCreator } from './model-names';

/** Capability fields a feed states about the model an offering serves; absent = the feed does not say. */
export interface CapabilityFacts {
  tool_calling?: boolean;
  reasoning?: boolean;
  vision?: boolean;
  structured_output?: boolean;
  open_weights?: boolean;
  input_modalities?: string[];
  output_modalities?: string[];
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  knowledge_cutoff?: string;
  /** YYYY-MM-DD. */
  release_date?: string;
  /** YYYY-MM-DD (or coarser, as the feed says). */
  last_updated?: string;
  context_window?: number;
  max_output?: number;
}

export type CapabilityField = keyof CapabilityFacts;

/** Every field resolved by precedence, → the models column it fills. */
export const CAPABILITY_COLUMNS: Record<CapabilityField, string> = {
  context_window: 'context_window',
  max_output: 'max_output',
  input_modalities: 'input_modalities',
  output_modalities: 'output_modalities',
  tool_calling: 'tool_calling',
  structured_output: 'structured_output',
  reasoning: 'reasoning',
  vision: 'vision',
  open_weights: 'open_weights',
  knowledge_cutoff: 'knowledge_cutoff',
  release_date: 'release_date',
  last_updated: 'last_updated',
};

export const CAPABILITY_FIELDS = Object.keys(CAPABILITY_COLUMNS) as CapabilityField[];

/**
 * Who wins when sources disagree about a field, highest first. An operator's decision always wins; then models.dev
 * (curated per model, with dates and limits), OpenRouter (what its API accepts), LiteLLM (flags kept for routing);
 * a model's own value (the Hub's metadata, the demo seed, a feed-created model's first context window) is used only
 * when no source states the field. Feeds not listed (a custom JSON feed) rank just above that.
 */
export const CAPABILITY_PRECEDENCE = ['operator', 'models.dev', 'openrouter', 'litellm'] as const;

export function capabilityRank(kind: string): number {
  const i = (CAPABILITY_PRECEDENCE as readonly string[]).indexOf(kind);
  return i < 0 ? 0 : CAPABILITY_PRECEDENCE.length - i;
}

/** One feed record's statement: the provider serving it and the facts it gives. */
export interface CapabilityStatement {
  modelId: string;
  provider: string;
  /** The offering's id is the model's own name (OpenAI's `gpt-4o` for `openai/gpt-4o`, not a dated snapshot). */
  exact?: boolean;
  facts: CapabilityFacts;
}

/** What one source says about one field of one model, and which providers' records say it. */
export interface AggregatedFact {
  modelId: string;
  field: CapabilityField;
  value: boolean | number | string | string[];
  via: string[];
}

const MODALITY_ORDER = ['text', 'image', 'audio', 'video', 'pdf', 'file', 'embeddings'];
const byModality = (a: string, b: string) => {
  const i = MODALITY_ORDER.indexOf(a);
  const j = MODALITY_ORDER.indexOf(b);
  return (i < 0 ? 99 : i) - (j < 0 ? 99 : j) || a.localeCompare(b);
};

/**
 * One source's view of each model, from all its records of that model's offerings. The creator's own offering
 * speaks for the model when it states the field (OpenAI's `gpt-4o` over a reseller's; its offering under the model's
 * own name over its dated snapshots folded into the family); otherwise the model can do
 * what any provider serves (a flag is true if any record says so, modalities are the union, limits the largest),
 * its release date is the earliest stated, its last update the latest, its knowledge cutoff the most stated.
 */
export function aggregateCapabilities(statements: CapabilityStatement[]): AggregatedFact[] {
  const byModel = new Map<string, CapabilityStatement[]>();
  for (const s of statements) {
    if (!Object.keys(s.facts).length) continue;
    const list = byModel.get(s.modelId);
    if (list) list.push(s);
    else byModel.set(s.modelId, [s]);
  }
  const out: AggregatedFact[] = [];
  for (const [modelId, list] of byModel) {
    const creator = modelId.includes('/') ? modelId.split('/')[0] : null;
    for (const field of CAPABILITY_FIELDS) {
      const stating = list.filter((s) => s.facts[field] !== undefined && s.facts[field] !== null);
      if (!stating.length) continue;
      const firstParty = stating.filter((s) => sameCreator(s.provider, creator));
      const own = firstParty.filter((s) => s.exact);
      const from = own.length ? own : firstParty.length ? firstParty : stating;
      const fact = combine(field, from);
      if (fact) out.push({ modelId, field, ...fact });
    }
  }
  return out;
}

function combine(
  field: CapabilityField,
  from: CapabilityStatement[],
): { value: AggregatedFact['value']; via: string[] } | null {
  const values = from.map((s) => ({ provider: s.provider, v: s.facts[field] as AggregatedFact['value'] }));
  const via = (pick: (v: AggregatedFact['value']) => boolean) =>
    [...new Set(values.filter((x) => pick(x.v)).map((x) => x.provider))].sort().slice(0, 8);
  switch (field) {
    case 'tool_calling':
    case 'reasoning':
    case 'vision':
    case 'structured_output':
    case 'open_weights': {
      const value = values.some((x) => x.v === true);
      return { value, via: via((v) => v === value) };
    }
    case 'input_modalities':
    case 'output_modalities': {
      const value = [...new Set(values.flatMap((x) => x.v as string[]))].sort(byModality);
      return value.length ? { value, via: via(() => true) } : null;
    }
    case 'context_window':
    case 'max_output': {
      const value = Math.max(...values.map((x) => x.v as number));
      return { value, via: via((v) => v === value) };
    }
    case 'release_date': {
      const value = values.map((x) => x.v as string).sort()[0];
      return { value, via: via((v) => v === value) };
    }
    case 'last_updated': {
      const value = values
        .map((x) => x.v as string)
        .sort()
        .pop() as string;
      return { value, via: via((v) => v === value) };
    }
    case 'knowledge_cutoff': {
      const counts = new Map<string, number>();
      for (const x of values) counts.set(x.v as string, (counts.get(x.v as string) ?? 0) + 1);
      const value = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
      return { value, via: via((v) => v === value) };
    }
  }
}
