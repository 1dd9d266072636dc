import { normalizeUsage, Usage } from './usage';

export const API_FLAVORS = [
  'openai-chat',
  'openai-responses',
  'anthropic',
  'gemini',
  'xai',
  'openrouter',
  'openai-compatible',
] as const;
export type ApiFlavor = (typeof API_FLAVORS)[number];

export interface Extracted {
  usage: Usage;
  flavor: ApiFlavor;
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
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : 0);

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

/** Which API produced these events, from the provider name and the shape. */
export function detectFlavor(provider: string | undefined, list: Obj[]): ApiFlavor {
  const p = (provider ?? '').toLowerCase();
  if (p === 'anthropic' || list.some((e) => e['type'] === 'message' || e['type'] === 'message_start'))
    return 'anthropic';
  if (
    ['google', 'gemini', 'vertex-ai', 'vertex_ai', 'google-vertex'].includes(p) ||
    list.some((e) => e['usageMetadata'])
  ) {
    return 'gemini';
  }
  if (
    list.some(
      (e) =>
        e['object'] === 'response' ||
        (typeof e['type'] === 'string' && (e['type'] as string).startsWith('response.')) ||
        obj(obj(e['usage'])?.['input_tokens_details']),
    )
  ) {
    return 'openai-responses';
  }
  if (p === 'xai' || p === 'x-ai') return 'xai';
  if (p === 'openrouter') return 'openrouter';
  if (list.some((e) => obj(e['usage'])?.['prompt_tokens'] !== undefined))
    return p === 'openai' ? 'openai-chat' : 'openai-compatible';
  if (p === 'openai') return 'openai-chat';
  throw new ExtractionError(
    'Unknown response shape: expected OpenAI (usage.prompt_tokens / usage.input_tokens), Anthropic (type "message"), ' +
      'or Gemini (usageMetadata). Pass api_flavor if the provider speaks one of them.',
  );
}

/** The last event that carries usage (streams report it in the final chunk). */
function lastWith(list: Obj[], pick: (e: Obj) => Obj | undefined): Obj | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const u = pick(list[i]);
    if (u) return u;
  }
  return undefined;
}

function modelOf(list: Obj[]): string | undefined {
  for (const e of list) {
    const m = e['model'] ?? obj(e['message'])?.['model'] ?? obj(e['response'])?.['model'] ?? e['modelVersion'];
    if (typeof m === 'string' && m) return m;
  }
  return undefined;
}

const missing = (what: string) =>
  new ExtractionError(`The response has no ${what}: was it streamed without usage (stream_options.include_usage)?`);

/** OpenAI Chat Completions (and compatible): prompt_tokens include cached_tokens; completion_tokens include reasoning. */
function openaiChat(list: Obj[], reasoningSeparate: boolean): Usage {
  const u = lastWith(list, (e) =>
    obj(e['usage']) && obj(e['usage'])?.['prompt_tokens'] !== undefined ? obj(e['usage']) : undefined,
  );
  if (!u) throw missing('usage.prompt_tokens');
  const pd = obj(u['prompt_tokens_details']) ?? {};
  const cd = obj(u['completion_tokens_details']) ?? {};
  const reasoning = num(cd['reasoning_tokens']);
  const completion = num(u['completion_tokens']);
  return {
    input_tokens: num(u['prompt_tokens']),
    cache_read_tokens: num(pd['cached_tokens']),
    input_audio_tokens: num(pd['audio_tokens']),
    output_tokens: reasoningSeparate ? completion + reasoning : completion,
    output_reasoning_tokens: reasoning,
    output_audio_tokens: num(cd['audio_tokens']),
  };
}

/** OpenAI Responses: input_tokens include cached_tokens; output_tokens include reasoning_tokens. */
function openaiResponses(list: Obj[]): Usage {
  const u = lastWith(list, (e) => obj(e['usage']) ?? obj(obj(e['response'])?.['usage']));
  if (!u || u['input_tokens'] === undefined) throw missing('usage.input_tokens');
  const id = obj(u['input_tokens_details']) ?? {};
  const od = obj(u['output_tokens_details']) ?? {};
  return {
    input_tokens: num(u['input_tokens']),
    cache_read_tokens: num(id['cached_tokens']),
    output_tokens: num(u['output_tokens']),
    output_reasoning_tokens: num(od['reasoning_tokens']),
  };
}

/**
 * Anthropic Messages: input_tokens EXCLUDE cache reads and writes (so the whole prompt is their sum); cache writes
 * split by TTL in cache_creation.ephemeral_5m/1h_input_tokens. Streams: message_start has the input side,
 * message_delta the final output_tokens.
 */
function anthropic(list: Obj[]): Usage {
  let input: Obj | undefined;
  let output = 0;
  let searches = 0;
  for (const e of list) {
    const u = obj(e['usage']) ?? obj(obj(e['message'])?.['usage']);
    if (!u) continue;
    // Usage is cumulative: the last event with the input side has the final figures.
    if (u['input_tokens'] !== undefined || u['cache_read_input_tokens'] !== undefined) input = u;
    if (u['output_tokens'] !== undefined) output = num(u['output_tokens']);
    const tools = obj(u['server_tool_use']);
    if (tools) searches = num(tools['web_search_requests']);
  }
  if (!input) throw missing('usage.input_tokens');
  const read = num(input['cache_read_input_tokens']);
  const creation = obj(input['cache_creation']);
  const w5 = creation ? num(creation['ephemeral_5m_input_tokens']) : 0;
  const w1h = creation ? num(creation['ephemeral_1h_input_tokens']) : 0;
  const written = num(input['cache_creation_input_tokens']);
  const unsplit = Math.max(0, written - w5 - w1h);
  return {
    input_tokens: num(input['input_tokens']) + read + Math.max(written, w5 + w1h),
    cache_read_tokens: read,
    cache_write_5m_tokens: w5 + unsplit,
    cache_write_1h_tokens: w1h,
    output_tokens: output,
    web_searches: searches,
  };
}

/**
 * Gemini: promptTokenCount INCLUDES cachedContentTokenCount; thoughtsTokenCount is SEPARATE from
 * candidatesTokenCount (so output = candidates + thoughts); tool-use prompt tokens are billed as input.
 */
function gemini(list: Obj[]): Usage {
  const u = lastWith(list, (e) => obj(e['usageMetadata']));
  if (!u) throw missing('usageMetadata');
  const thoughts = num(u['thoughtsTokenCount']);
  const audioIn = (u['promptTokensDetails'] as Obj[] | undefined)?.find((d) => d['modality'] === 'AUDIO');
  return {
    input_tokens: num(u['promptTokenCount']) + num(u['toolUsePromptTokenCount']),
    cache_read_tokens: num(u['cachedContentTokenCount']),
    input_audio_tokens: audioIn ? num(audioIn['tokenCount']) : 0,
    output_tokens: num(u['candidatesTokenCount']) + thoughts,
    output_reasoning_tokens: thoughts,
  };
}

/**
 * Normalized usage from a provider's response body (or its stream: an array of events or raw SSE text). Each API's
 * own counting rules are undone here so that every usage means the same thing; an unknown shape is an error.
 */
export function extractUsage(provider: string | undefined, response: unknown, flavor?: ApiFlavor): Extracted {
  const list = events(response);
  const f = flavor ?? detectFlavor(provider, list);
  let usage: Usage;
  switch (f) {
    case 'anthropic':
      usage = anthropic(list);
      break;
    case 'gemini':
      usage = gemini(list);
      break;
    case 'openai-responses':
      usage = openaiResponses(list);
      break;
    case 'xai':
      // xAI reports reasoning apart from completion_tokens.
      usage = openaiChat(list, true);
      break;
    default:
      usage = openaiChat(list, false);
  }
  return { usage: normalizeUsage(usage as Record<string, unknown>), flavor: f, model: modelOf(list) };
}
