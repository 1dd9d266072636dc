import { applyExtractor, extractorOf, providerExtractors } from './extract-rules';
import { normalizeUsage, Usage } from './usage';

/**
 * The response shapes a client may name (`api_flavor`). Without one, the provider's own extractors are tried in the
 * order genai-prices lists them, then the shape decides.
 */
export const API_FLAVORS = [
  'openai-chat',
  'openai-responses',
  'openai-realtime',
  'openai-embeddings',
  'openai-images',
  'anthropic',
  'gemini',
  'bedrock-converse',
  'bedrock-anthropic',
  'vertex-anthropic',
  'cohere',
  'cohere-embeddings',
  'mistral',
  'perplexity',
  'minimax',
  'xai',
  'openrouter',
  'openai-compatible',
] as const;
export type ApiFlavor = (typeof API_FLAVORS)[number];

/** Each named flavor → the extractor (provider id, genai-prices api_flavor) that reads it. */
const FLAVOR_EXTRACTOR: Record<ApiFlavor, [string, string]> = {
  'openai-chat': ['openai', 'chat'],
  'openai-responses': ['openai', 'responses'],
  'openai-realtime': ['openai', 'realtime'],
  'openai-embeddings': ['openai', 'embeddings'],
  'openai-images': ['openai', 'images'],
  anthropic: ['anthropic', 'default'],
  gemini: ['google', 'default'],
  'bedrock-converse': ['aws', 'default'],
  'bedrock-anthropic': ['aws', 'anthropic'],
  'vertex-anthropic': ['google', 'anthropic'],
  cohere: ['cohere', 'default'],
  'cohere-embeddings': ['cohere', 'embeddings'],
  mistral: ['mistral', 'default'],
  perplexity: ['perplexity', 'default'],
  minimax: ['minimax', 'default'],
  xai: ['x-ai', 'chat'],
  openrouter: ['openrouter', 'chat'],
  'openai-compatible': ['openai', 'chat'],
};

/** Shapes tried, in order, when the provider is unknown or none of its extractors fits. */
const BY_SHAPE: ApiFlavor[] = [
  'anthropic',
  'gemini',
  'bedrock-converse',
  'openai-realtime',
  'openai-responses',
  'cohere',
  'openai-chat',
  'perplexity',
  'openai-embeddings',
  'cohere-embeddings',
];

export interface Extracted {
  usage: Usage;
  /** The shape read: a named flavor, or `provider/api_flavor` of genai-prices' extractor table. */
  flavor: string;
  /** The model the response names, when it does. */
  model?: string;
}

export class ExtractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtractionError';
  }
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/** A body, an array of stream events, or raw server-sent events text → a list of JSON objects. */
export function events(response: unknown): Obj[] {
  if (typeof response === 'string') {
    const text = response.trim();
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        return events(JSON.parse(text));
      } catch {
        throw new ExtractionError('The response is not valid JSON.');
      }
    }
    const out: Obj[] = [];
    for (const line of text.split(/\r?\n/)) {
      const m = /^data:\s?(.*)$/.exec(line.trim());
      if (!m || m[1] === '[DONE]' || !m[1]) continue;
      try {
        const o = obj(JSON.parse(m[1]));
        if (o) out.push(o);
      } catch {
        throw new ExtractionError(`A server-sent event is not JSON: ${m[1].slice(0, 80)}`);
      }
    }
    if (!out.length) throw new ExtractionError('No JSON body or server-sent "data:" events found in the response.');
    return out;
  }
  if (Array.isArray(response)) return response.map(obj).filter((o): o is Obj => !!o);
  const o = obj(response);
  if (!o) throw new ExtractionError('The response must be a JSON object, an array of stream events, or SSE text.');
  return [o];
}

function modelOf(list: Obj[]): string | undefined {
  for (const e of list) {
    const m = e['model'] ?? obj(e['message'])?.['model'] ?? obj(e['response'])?.['model'] ?? e['modelVersion'];
    if (typeof m === 'string' && m) return m;
  }
  return undefined;
}

const flavorName = (provider: string, flavor: string): string =>
  (Object.entries(FLAVOR_EXTRACTOR).find(([, [p, f]]) => p === provider && f === flavor)?.[0] as string) ??
  `${provider}/${flavor}`;

const lastOf = <T>(list: Obj[], pick: (e: Obj) => T | undefined): T | undefined => {
  for (let i = list.length - 1; i >= 0; i--) {
    const v = pick(list[i]);
    if (v !== undefined) return v;
  }
  return undefined;
};

/**
 * What the extractor table cannot say, read from the response itself:
 * - Gemini: when `totalTokenCount` = prompt + candidates (+ tool-use prompt), `candidatesTokenCount` already includes
 *   the thoughts (newer models report it so): output is candidates, not candidates + thoughts; grounding search
 *   queries (`groundingMetadata.webSearchQueries`, empty ones skipped) are web searches.
 * - Perplexity: `num_search_queries` may sit at the body's root instead of in `usage`.
 */
function refine(provider: string, flavor: string, list: Obj[], usage: Record<string, number>): Record<string, number> {
  if (provider === 'google' && flavor === 'default') {
    const um = lastOf(list, (e) => obj(e['usageMetadata']));
    const n = (k: string) => (typeof um?.[k] === 'number' ? (um[k] as number) : 0);
    const thoughts = n('thoughtsTokenCount');
    if (
      um &&
      thoughts > 0 &&
      typeof um['totalTokenCount'] === 'number' &&
      n('promptTokenCount') + n('candidatesTokenCount') + n('toolUsePromptTokenCount') === um['totalTokenCount']
    ) {
      usage['output_tokens'] = n('candidatesTokenCount');
    }
    const queries = lastOf(list, (e) => {
      const found = (Array.isArray(e['candidates']) ? (e['candidates'] as unknown[]) : []).flatMap((c) => {
        const g = obj(c)?.['groundingMetadata'];
        return (Array.isArray(g) ? g : [g]).flatMap((x) => {
          const q = obj(x)?.['webSearchQueries'];
          return Array.isArray(q) ? q.filter((s) => typeof s === 'string' && s.trim()) : [];
        });
      });
      return found.length ? found.length : undefined;
    });
    if (queries && !usage['web_searches']) usage['web_searches'] = queries;
  }
  if (provider === 'perplexity' && !usage['web_searches']) {
    const root = lastOf(list, (e) =>
      typeof e['num_search_queries'] === 'number' ? e['num_search_queries'] : undefined,
    );
    if (root) usage['web_searches'] = root as number;
  }
  return usage;
}

/**
 * Normalized usage from a provider's response body (or its stream: an array of events or raw SSE text), read with
 * genai-prices' extractor table (where each API puts each count, and which unit it counts toward): each API's own
 * counting rules are undone so that every usage means the same thing (units.yml). The provider's extractors are tried
 * first, in the table's order; an unknown provider or shape is read by the shape; nothing fitting is an error.
 */
export function extractUsage(provider: string | undefined, response: unknown, flavor?: ApiFlavor | string): Extracted {
  const list = events(response);
  const own = providerExtractors(provider);
  // Groups tried in turn; within a group the extractor that reads the most fields wins (ties: the first listed).
  const groups: [string, string][][] = [];
  if (flavor) {
    const named = FLAVOR_EXTRACTOR[flavor as ApiFlavor];
    if (named) groups.push([named]);
    else if (own?.extractors.some((e) => e.flavor === flavor)) groups.push([[own.provider, flavor]]);
    else throw new ExtractionError(`Unknown api_flavor "${flavor}". Known: ${API_FLAVORS.join(', ')}.`);
  } else {
    if (own) groups.push(own.extractors.map((e) => [own.provider, e.flavor] as [string, string]));
    groups.push(BY_SHAPE.map((f) => FLAVOR_EXTRACTOR[f]));
  }
  for (const group of groups) {
    let best: { p: string; f: string; hit: NonNullable<ReturnType<typeof applyExtractor>> } | null = null;
    for (const [p, f] of group) {
      const hit = applyExtractor(extractorOf(p, f), list);
      if (hit && (!best || hit.matched > best.hit.matched)) best = { p, f, hit };
    }
    if (!best) continue;
    const counts = refine(best.p, best.f, list, { ...best.hit.usage });
    const usage = normalizeUsage(counts, { asReported: true });
    return { usage, flavor: flavorName(best.p, best.f), model: best.hit.model ?? modelOf(list) };
  }
  const anyUsage = list.some((e) => e['usage'] !== undefined || e['usageMetadata'] !== undefined);
  throw new ExtractionError(
    anyUsage
      ? 'The response has usage, but not in a shape we know for this provider: was it streamed without usage ' +
          '(stream_options.include_usage)? Pass api_flavor if the provider speaks another API.'
      : 'Unknown response shape, or no usage in it: expected OpenAI (usage.prompt_tokens / usage.input_tokens), ' +
          'Anthropic (usage.input_tokens), Gemini (usageMetadata), Bedrock (usage.inputTokens), Cohere ' +
          '(usage.billed_units) … Streams need their final usage event (stream_options.include_usage).',
  );
}
