import { Money } from '../../decimal';
import type { ServiceTier } from '../../entities';
import type { NewComponent } from '../../services/price-writer';
import {
  CapabilityFacts,
  decimalText,
  FeedFormatError,
  FeedParseResult,
  FeedRecord,
  providerSlug,
} from './feed-record';

/** LiteLLM base field → our unit; `token` fields are USD per token (× 1M here), the others per item. */
const FIELDS: Record<string, { unit: string; token: boolean }> = {
  input_cost_per_token: { unit: 'input', token: true },
  output_cost_per_token: { unit: 'output', token: true },
  cache_read_input_token_cost: { unit: 'cache_read', token: true },
  input_cost_per_token_cache_hit: { unit: 'cache_read', token: true },
  cache_creation_input_token_cost: { unit: 'cache_write', token: true },
  cache_creation_input_token_cost_above_1hr: { unit: 'cache_write_1h', token: true },
  output_cost_per_reasoning_token: { unit: 'reasoning', token: true },
  input_cost_per_audio_token: { unit: 'input_audio', token: true },
  output_cost_per_audio_token: { unit: 'output_audio', token: true },
  cache_read_input_audio_token_cost: { unit: 'cache_read_audio', token: true },
  cache_creation_input_audio_token_cost: { unit: 'cache_write_audio', token: true },
  input_cost_per_image_token: { unit: 'input_image_tokens', token: true },
  output_cost_per_image_token: { unit: 'output_image_tokens', token: true },
  output_cost_per_video_token: { unit: 'output_video', token: true },
  citation_cost_per_token: { unit: 'output_citation', token: true },
  input_cost_per_image: { unit: 'image_input', token: false },
  output_cost_per_image: { unit: 'image_output', token: false },
  input_cost_per_request: { unit: 'request', token: false },
  input_cost_per_query: { unit: 'queries', token: false },
  input_cost_per_second: { unit: 'input_seconds', token: false },
  output_cost_per_second: { unit: 'output_seconds', token: false },
  input_cost_per_audio_per_second: { unit: 'input_audio_seconds', token: false },
  input_cost_per_video_per_second: { unit: 'input_video_seconds', token: false },
  output_cost_per_video_per_second: { unit: 'output_video_seconds', token: false },
  input_cost_per_character: { unit: 'input_characters', token: false },
  output_cost_per_character: { unit: 'output_characters', token: false },
  input_cost_per_pixel: { unit: 'input_pixels', token: false },
  output_cost_per_pixel: { unit: 'output_pixels', token: false },
  ocr_cost_per_page: { unit: 'input_document_pages', token: false },
  annotation_cost_per_page: { unit: 'input_annotated_document_pages', token: false },
};

/**
 * What a per-second price counts depends on the entry's mode: seconds of audio for transcription (Whisper, Chirp),
 * seconds of video generated for video generation (Sora, Veo); otherwise compute seconds.
 */
const MODE_UNITS: Record<string, string> = {
  'audio_transcription:input_seconds': 'audio_seconds',
  'video_generation:output_seconds': 'output_video_seconds',
  'audio_speech:output_seconds': 'output_audio_seconds',
};

const SERVICE_TIER_SUFFIX: [string, ServiceTier][] = [
  ['_batches', 'batch'],
  ['_flex', 'flex'],
  ['_priority', 'priority'],
];

/** `output_cost_per_token_above_200k_tokens_priority` → base field, tier threshold, service tier. */
export function parseLitellmField(
  field: string,
): { unit: string; token: boolean; above: number; serviceTier: ServiceTier } | null {
  let name = field;
  let serviceTier: ServiceTier = 'standard';
  for (const [suffix, tier] of SERVICE_TIER_SUFFIX) {
    if (name.endsWith(suffix)) {
      name = name.slice(0, -suffix.length);
      serviceTier = tier;
      break;
    }
  }
  let above = 0;
  const tier = /_above_(\d+)k_tokens$/.exec(name);
  if (tier) {
    above = Number(tier[1]) * 1000;
    name = name.slice(0, tier.index);
  }
  const base = FIELDS[name];
  return base ? { ...base, above, serviceTier } : null;
}

const AZURE_DEPLOYMENT = /^(eu|us|global|global-standard|data-zone)$/;

const AWS_REGION = /^(us|eu|ap|ca|sa|me|af|il|mx)(-gov)?-[a-z]+-\d$/;

/**
 * Parses LiteLLM's `model_prices_and_context_window.json`: one record per key with any known price, components
 * converted from USD per token to per 1M tokens exactly (decimal, from the number's own digits). Web search is
 * priced at LiteLLM's `search_context_size_medium`. Undated: the feed states today's prices.
 */
export function parseLitellm(body: string): FeedParseResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new FeedFormatError(`LiteLLM map is not valid JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new FeedFormatError('LiteLLM map must be a JSON object of model keys.');
  }
  const result: FeedParseResult = { adapter: 'litellm', entries: 0, records: [], invalid: [], ignoredFields: {} };
  const seen = new Map<string, string>();
  for (const [key, raw] of Object.entries(json as Record<string, unknown>)) {
    if (key === 'sample_spec') continue;
    result.entries++;
    if (!raw || typeof raw !== 'object') {
      result.invalid.push({ ref: key, reason: 'entry is not an object' });
      continue;
    }
    const entry = raw as Record<string, unknown>;
    const rawProvider = typeof entry['litellm_provider'] === 'string' ? (entry['litellm_provider'] as string) : '';
    if (!rawProvider) {
      result.invalid.push({ ref: key, reason: 'no litellm_provider' });
      continue;
    }
    const provider = providerSlug(rawProvider);
    let id = key.startsWith(`${rawProvider}/`) ? key.slice(rawProvider.length + 1) : key;
    // `azure/ada` under azure_text, `vertex_ai/…` under vertex_ai-*: the key's own provider prefix.
    const head = id.split('/')[0];
    if (id === key && id.includes('/') && providerSlug(head) === provider) id = id.slice(head.length + 1);
    // `bedrock/invoke/anthropic.claude-…`: LiteLLM's route (InvokeModel vs Converse), not part of Bedrock's id.
    if (provider === 'bedrock' && id.startsWith('invoke/')) id = id.slice('invoke/'.length);
    let region = '';
    const first = id.split('/')[0];
    if (AWS_REGION.test(first) && id.includes('/')) {
      region = first;
      id = id.slice(first.length + 1);
    } else if (
      (provider === 'azure' || provider === 'azure-ai') &&
      AZURE_DEPLOYMENT.test(first) &&
      id.split('/').length === 2
    ) {
      // `azure/eu/gpt-4o-2024-08-06`: the data-zone or global deployment's price of the same offering.
      region = first;
      id = id.slice(first.length + 1);
    }

    const byTier = new Map<ServiceTier, Map<string, NewComponent>>();
    const bad: string[] = [];
    for (const [field, value] of Object.entries(entry)) {
      if (!/cost|price/.test(field) || field === 'litellm_provider') continue;
      if (field === 'search_context_cost_per_query') {
        const medium = (value as Record<string, unknown> | null)?.['search_context_size_medium'];
        const amount = decimalText(medium);
        if (amount !== null) add(byTier, 'standard', { unit: 'web_search', amount, prompt_tokens_above: 0 });
        continue;
      }
      const parsed = parseLitellmField(field);
      if (!parsed) {
        result.ignoredFields[field] = (result.ignoredFields[field] ?? 0) + 1;
        continue;
      }
      if (value === null || value === undefined) continue;
      const amount = decimalText(value);
      if (amount === null) {
        bad.push(`${field}=${JSON.stringify(value).slice(0, 40)}`);
        continue;
      }
      const perUnit = parsed.token ? new Money(amount).times(1_000_000).toFixed() : new Money(amount).toFixed();
      const unit = MODE_UNITS[`${entry['mode']}:${parsed.unit}`] ?? parsed.unit;
      add(byTier, parsed.serviceTier, { unit, amount: perUnit, prompt_tokens_above: parsed.above });
    }
    if (bad.length) {
      result.invalid.push({ ref: key, reason: `not a non-negative number: ${bad.join(', ')}` });
      continue;
    }
    if (!byTier.size) {
      result.invalid.push({ ref: key, reason: 'no price fields' });
      continue;
    }
    const dedupe = `${provider}|${id}|${region}`;
    if (seen.has(dedupe)) {
      result.invalid.push({ ref: key, reason: `same offering as "${seen.get(dedupe)}" (kept the first)` });
      continue;
    }
    seen.set(dedupe, key);
    const record: FeedRecord = {
      ref: key,
      provider,
      providerModelId: id,
      contextWindow: positiveInt(entry['max_input_tokens']),
      maxOutput: positiveInt(entry['max_output_tokens']),
      capabilities: litellmCapabilities(entry),
      versions: [...byTier].map(([serviceTier, components]) => ({
        effectiveFrom: null,
        serviceTier,
        region,
        currency: 'USD',
        components: [...components.values()],
      })),
    };
    result.records.push(record);
  }
  return result;
}

function add(byTier: Map<ServiceTier, Map<string, NewComponent>>, tier: ServiceTier, c: NewComponent): void {
  let components = byTier.get(tier);
  if (!components) byTier.set(tier, (components = new Map()));
  const key = `${c.unit}|${c.prompt_tokens_above ?? 0}`;
  // input_cost_per_token_cache_hit repeats cache_read_input_token_cost: the first one stated wins.
  if (!components.has(key)) components.set(key, c);
}

function positiveInt(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 2 ** 31 ? v : null;
}

/** LiteLLM's `supports_*` flags and `mode` as capability facts (a flag it leaves out says nothing). */
function litellmCapabilities(entry: Record<string, unknown>): CapabilityFacts {
  const facts: CapabilityFacts = {};
  const flag = (k: string) => (typeof entry[k] === 'boolean' ? (entry[k] as boolean) : undefined);
  const set = <K extends keyof CapabilityFacts>(k: K, v: CapabilityFacts[K] | undefined) => {
    if (v !== undefined) facts[k] = v;
  };
  set('tool_calling', flag('supports_function_calling'));
  set('reasoning', flag('supports_reasoning'));
  set('vision', flag('supports_vision'));
  set('structured_output', flag('supports_response_schema'));
  const mode = typeof entry['mode'] === 'string' ? (entry['mode'] as string) : null;
  const input = new Set<string>();
  const output = new Set<string>();
  if (mode === 'chat' || mode === 'completion' || mode === 'responses') {
    input.add('text');
    output.add('text');
  } else if (mode === 'embedding') input.add('text');
  else if (mode === 'image_generation') output.add('image');
  else if (mode === 'audio_transcription') {
    input.add('audio');
    output.add('text');
  } else if (mode === 'audio_speech') {
    input.add('text');
    output.add('audio');
  }
  if (flag('supports_vision')) input.add('image');
  if (flag('supports_audio_input')) input.add('audio');
  if (flag('supports_pdf_input')) input.add('pdf');
  if (flag('supports_audio_output')) output.add('audio');
  if (mode && input.size) set('input_modalities', [...input]);
  if (mode && output.size) set('output_modalities', [...output]);
  const ctx = positiveInt(entry['max_input_tokens']);
  if (ctx) set('context_window', ctx);
  const out = positiveInt(entry['max_output_tokens']);
  if (out) set('max_output', out);
  return facts;
}
