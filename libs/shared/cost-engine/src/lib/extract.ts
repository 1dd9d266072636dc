import { applyExtractor, extractorOf, providerExtractors } from './extract-rules';
import { OTEL_ATTRIBUTES } from './extractors.own';
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
  'otel',
  'ai-sdk',
  'langchain',
  'langchain-llm-output',
  'langchain-vertex',
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
  otel: ['otel', 'default'],
  'ai-sdk': ['ai-sdk', 'default'],
  langchain: ['langchain', 'default'],
  'langchain-llm-output': ['langchain', 'llm-output'],
  'langchain-vertex': ['langchain', 'vertex'],
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
  'ai-sdk',
  'langchain',
  'langchain-llm-output',
  'langchain-vertex',
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
    const m =
      e['model'] ??
      obj(e['message'])?.['model'] ??
      obj(e['response'])?.['model'] ??
      e['modelVersion'] ??
      obj(e['llm_output'])?.['model_name'];
    if (typeof m === 'string' && m) return m;
  }
  return undefined;
}

const flavorName = (provider: string, flavor: string): string =>
  (Object.entries(FLAVOR_EXTRACTOR).find(([, [p, f]]) => p === provider && f === flavor)?.[0] as string) ??
  `${provider}/${flavor}`;

/** A span's attributes as a flat object: OTLP JSON `[{key, value: {intValue|stringValue|doubleValue}}]` or flat. */
function otelAttributes(e: Obj): Obj | undefined {
  const list = e['attributes'];
  if (Array.isArray(list)) {
    const out: Obj = {};
    for (const a of list) {
      const key = obj(a)?.['key'];
      const value = obj(obj(a)?.['value']);
      if (typeof key !== 'string' || !value) continue;
      const raw = value['intValue'] ?? value['doubleValue'] ?? value['stringValue'];
      // protobufjs encodes 64-bit ints as {low, high}.
      const long = obj(raw);
      out[key] =
        long && typeof long['low'] === 'number' ? (long['low'] as number) + (Number(long['high']) || 0) * 2 ** 32 : raw;
    }
    return out;
  }
  return obj(list) ?? (Object.keys(e).some((k) => OTEL_KEY.test(k)) ? e : undefined);
}
const OTEL_KEY = /^(gen_ai\.usage\.|llm\.token_count\.|genkit:output$)/;
const isOtel = (e: Obj) => {
  const attrs = otelAttributes(e);
  return !!attrs && Object.keys(attrs).some((k) => OTEL_KEY.test(k));
};

/**
 * Usage from OpenTelemetry GenAI span attributes (the first spelling present per unit, see OTEL_ATTRIBUTES), or null
 * when the spans carry none. Reasoning larger than the output it is part of raises the output to it.
 */
function otelUsage(list: Obj[]): Record<string, number> | null {
  const usage: Record<string, number> = {};
  let any = false;
  for (const e of list) {
    const attrs = otelAttributes(e);
    if (!attrs) continue;
    for (const [keys, unit] of OTEL_ATTRIBUTES) {
      const key = keys.find((k) => attrs[k] !== undefined && attrs[k] !== null);
      if (key === undefined) continue;
      const n = Number(attrs[key]);
      if (!Number.isFinite(n) || n < 0) continue;
      any = true;
      if (n > 0) usage[unit] = Math.round(n);
      else delete usage[unit];
    }
  }
  for (const e of list) {
    const attrs = otelAttributes(e);
    const scope = obj(e['scope'])?.['name'];
    if (frameworkPayloads(attrs, usage, typeof scope === 'string' ? scope : undefined)) any = true;
  }
  if (!any) return null;
  for (const e of list) providerMetadata(otelAttributes(e)?.['ai.response.providerMetadata'], usage);
  const reasoning = usage['output_reasoning_tokens'] ?? 0;
  if (reasoning > (usage['output_tokens'] ?? 0)) usage['output_tokens'] = reasoning;
  return usage;
}

const parseJson = (raw: unknown): Obj | undefined => {
  if (typeof raw !== 'string') return undefined;
  try {
    return obj(JSON.parse(raw));
  } catch {
    return undefined;
  }
};

/**
 * Usage that agent frameworks put on their spans as JSON strings: Google ADK's `gcp.vertex.agent.llm_response` (Gemini's
 * usage_metadata: its cached count, which the gen_ai attributes leave out) and Genkit's `genkit:output` (its `usage`,
 * when the span has no gen_ai counts). True when it added a count.
 */
function frameworkPayloads(attrs: Obj | undefined, usage: Record<string, number>, scope?: string): boolean {
  if (!attrs) return false;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);
  let added = false;
  const set = (unit: string, v: number) => {
    if (v > 0 && !usage[unit]) {
      usage[unit] = v;
      added = true;
    }
  };
  // ADK's payload only from ADK's own instrumentation scope (another library's attribute of that name is not ADK's).
  const adk =
    scope === undefined || scope === 'gcp.vertex.agent'
      ? obj(parseJson(attrs['gcp.vertex.agent.llm_response'])?.['usage_metadata'])
      : undefined;
  if (adk) set('cache_read_tokens', n(adk['cached_content_token_count']));
  const genkit = obj(parseJson(attrs['genkit:output'])?.['usage']);
  if (genkit && !usage['input_tokens'] && !usage['output_tokens']) {
    set('input_tokens', n(genkit['inputTokens']));
    set('output_tokens', n(genkit['outputTokens']));
    set('output_reasoning_tokens', n(genkit['thoughtsTokens']));
  }
  return added;
}

/**
 * The Vercel AI SDK's `ai.response.providerMetadata` (a JSON string on the span): the provider's own cache counts,
 * which the span's gen_ai.usage attributes leave out (Anthropic's usage with its TTL split, Bedrock's camelCase one).
 */
function providerMetadata(raw: unknown, usage: Record<string, number>): void {
  const meta = parseJson(raw);
  if (!meta) return;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);
  const set = (unit: string, v: number) => {
    if (v > 0 && !usage[unit]) usage[unit] = v;
  };
  const anthropic = obj(obj(meta?.['anthropic'])?.['usage']);
  if (anthropic) {
    set('cache_read_tokens', n(anthropic['cache_read_input_tokens']));
    set('cache_write_tokens', n(anthropic['cache_creation_input_tokens']));
    const ttl = obj(anthropic['cache_creation']);
    set('cache_write_5m_tokens', n(ttl?.['ephemeral_5m_input_tokens']));
    set('cache_write_1h_tokens', n(ttl?.['ephemeral_1h_input_tokens']));
  }
  const bedrock = obj(obj(meta?.['bedrock'])?.['usage']);
  if (bedrock) {
    set('cache_read_tokens', n(bedrock['cacheReadInputTokens']));
    set('cache_write_tokens', n(bedrock['cacheWriteInputTokens']) + n(bedrock['cacheCreationInputTokens']));
  }
}

function otelModel(list: Obj[]): string | undefined {
  for (const e of list) {
    const attrs = otelAttributes(e);
    const m =
      attrs?.['gen_ai.response.model'] ??
      attrs?.['gen_ai.request.model'] ??
      (attrs?.['genkit:metadata:subtype'] === 'model' ? attrs['genkit:name'] : undefined);
    if (typeof m === 'string' && m) return m;
  }
  return undefined;
}

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
  // Anthropic's input_tokens leave the cache out; a usage that splits cache writes by TTL without their total
  // (`cache_creation` without `cache_creation_input_tokens`) still wrote them: they are prompt tokens too.
  if ((provider === 'anthropic' && flavor === 'default') || flavor === 'anthropic') {
    const u = lastOf(list, (e) => obj(e['usage']) ?? obj(obj(e['message'])?.['usage']));
    const creation = obj(u?.['cache_creation']);
    if (u && creation && typeof u['cache_creation_input_tokens'] !== 'number') {
      const written = ['ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens']
        .map((k) => (typeof creation[k] === 'number' ? (creation[k] as number) : 0))
        .reduce((a, b) => a + b, 0);
      if (written > 0) {
        usage['input_tokens'] = (usage['input_tokens'] ?? 0) + written;
        usage['cache_write_tokens'] = written;
      }
    }
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
  if (flavor === 'otel' || (!flavor && list.some(isOtel))) {
    const usage = otelUsage(list);
    if (usage) {
      return { usage: normalizeUsage(usage, { asReported: true }), flavor: 'otel', model: otelModel(list) };
    }
    if (flavor) throw new ExtractionError('No gen_ai.usage.* or llm.token_count.* attribute in the span.');
  }
  const own = providerExtractors(provider);
  // Groups tried in turn; within a group the extractor that reads the most fields wins (ties: the first listed).
  const groups: [string, string][][] = [];
  if (flavor) {
    // The provider's own flavor of that name first (Bedrock's `anthropic` body), else a named shape.
    const named = FLAVOR_EXTRACTOR[flavor as ApiFlavor];
    if (own?.extractors.some((e) => e.flavor === flavor)) groups.push([[own.provider, flavor]]);
    else if (named) groups.push([named]);
    else throw new ExtractionError(`Unknown api_flavor "${flavor}". Known: ${API_FLAVORS.join(', ')}.`);
  } else {
    if (own) groups.push(own.extractors.map((e) => [own.provider, e.flavor] as [string, string]));
    groups.push(BY_SHAPE.map((f) => FLAVOR_EXTRACTOR[f]));
  }
  for (const group of groups) {
    let best: { p: string; f: string; hit: NonNullable<ReturnType<typeof applyExtractor>> } | null = null;
    for (const [p, f] of group) {
      if (p === 'otel') continue;
      const hit = applyExtractor(extractorOf(p, f), list);
      if (hit && hit.matched > 0 && (!best || hit.matched > best.hit.matched)) best = { p, f, hit };
    }
    if (!best) continue;
    // A realtime session bills every response: their usages add up (each `response.done` carries its own).
    const perResponse =
      best.f === 'realtime' ? list.map((e) => applyExtractor(extractorOf(best.p, best.f), [e])?.usage) : [];
    const summed = perResponse.filter((u): u is Record<string, number> => !!u);
    const base =
      summed.length > 1
        ? summed.reduce<Record<string, number>>((acc, u) => {
            for (const [k, n] of Object.entries(u)) acc[k] = (acc[k] ?? 0) + n;
            return acc;
          }, {})
        : { ...best.hit.usage };
    const counts = refine(best.p, best.f, list, base);
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
