import { FREE_COMPONENT } from '@mph/cost-engine';
import { Money } from '../../decimal';
import type { NewComponent } from '../../services/price-writer';
import { CapabilityFacts, decimalText, FeedFormatError, FeedParseResult } from './feed-record';

/** OpenRouter pricing field → our unit; token fields are USD per token (× 1M here), the others per item. */
const FIELDS: Record<string, { unit: string; token: boolean }> = {
  prompt: { unit: 'input', token: true },
  completion: { unit: 'output', token: true },
  input_cache_read: { unit: 'cache_read', token: true },
  input_cache_write: { unit: 'cache_write', token: true },
  internal_reasoning: { unit: 'reasoning', token: true },
  audio: { unit: 'input_audio', token: true },
  request: { unit: 'request', token: false },
  web_search: { unit: 'web_search', token: false },
};

/**
 * Parses OpenRouter's `GET /api/v1/models` answer: one record per model on the `openrouter` provider. Prices are
 * decimal strings per token; `"-1"` means the price varies (routed models): that component stays unknown, and a
 * model with no usable input or output price is reported invalid rather than stored as free. `"0"` is free.
 * `image` is left out: OpenRouter states it per token for some models and per image for others.
 */
export function parseOpenrouter(body: string): FeedParseResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new FeedFormatError(`OpenRouter models list is not valid JSON: ${(e as Error).message}`);
  }
  const data = (json as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new FeedFormatError('OpenRouter models list must be {"data": [...]}.');
  const result: FeedParseResult = {
    adapter: 'openrouter',
    entries: data.length,
    records: [],
    invalid: [],
    ignoredFields: {},
  };
  const seen = new Set<string>();
  for (const raw of data) {
    const m = raw as Record<string, unknown>;
    const id = typeof m?.['id'] === 'string' ? (m['id'] as string) : '';
    if (!id) {
      result.invalid.push({ ref: JSON.stringify(raw).slice(0, 60), reason: 'model without an id' });
      continue;
    }
    if (seen.has(id)) {
      result.invalid.push({ ref: id, reason: 'duplicate id (kept the first)' });
      continue;
    }
    const pricing = (m['pricing'] ?? {}) as Record<string, unknown>;
    const components: NewComponent[] = [];
    const varies: string[] = [];
    const bad: string[] = [];
    for (const [field, value] of Object.entries(pricing)) {
      const known = FIELDS[field];
      if (!known) {
        result.ignoredFields[field] = (result.ignoredFields[field] ?? 0) + 1;
        continue;
      }
      if (value === '-1' || value === -1) {
        varies.push(field);
        continue;
      }
      const amount = decimalText(value);
      if (amount === null) {
        bad.push(`${field}=${JSON.stringify(value)}`);
        continue;
      }
      components.push({
        unit: known.unit,
        amount: known.token ? new Money(amount).times(1_000_000).toFixed() : new Money(amount).toFixed(),
      });
    }
    if (bad.length) {
      result.invalid.push({ ref: id, reason: `not a non-negative decimal: ${bad.join(', ')}` });
      continue;
    }
    if (!components.some((c) => c.unit === 'input') || !components.some((c) => c.unit === 'output')) {
      result.invalid.push({
        ref: id,
        reason: varies.length ? `price varies by route ("-1" for ${varies.join(', ')})` : 'no input/output price',
      });
      continue;
    }
    seen.add(id);
    // Every stated price "0" (the `:free` variants): free by the feed's word, whatever the call uses.
    const free = components.every((c) => new Money(c.amount).isZero()) && !varies.length;
    const top = (m['top_provider'] ?? {}) as Record<string, unknown>;
    result.records.push({
      ref: id,
      provider: 'openrouter',
      providerModelId: id,
      modelHints:
        typeof m['hugging_face_id'] === 'string' && m['hugging_face_id']
          ? [{ id: m['hugging_face_id'] as string, via: 'OpenRouter hugging_face_id', hf: true }]
          : undefined,
      capabilities: openrouterCapabilities(m),
      displayName: typeof m['name'] === 'string' ? (m['name'] as string) : undefined,
      contextWindow: typeof m['context_length'] === 'number' ? (m['context_length'] as number) : null,
      maxOutput: typeof top['max_completion_tokens'] === 'number' ? (top['max_completion_tokens'] as number) : null,
      versions: [
        {
          effectiveFrom: null,
          serviceTier: 'standard',
          region: '',
          currency: 'USD',
          components: free ? [...components, { unit: FREE_COMPONENT, amount: '0' }] : components,
        },
      ],
    });
  }
  return result;
}

/** OpenRouter's `supported_parameters` and `architecture` as capability facts. */
function openrouterCapabilities(m: Record<string, unknown>): CapabilityFacts {
  const params = Array.isArray(m['supported_parameters']) ? (m['supported_parameters'] as string[]) : null;
  const arch = (m['architecture'] ?? {}) as Record<string, unknown>;
  const input = Array.isArray(arch['input_modalities']) ? (arch['input_modalities'] as string[]) : null;
  const output = Array.isArray(arch['output_modalities']) ? (arch['output_modalities'] as string[]) : null;
  const facts: CapabilityFacts = {};
  if (params) {
    facts.tool_calling = params.includes('tools');
    facts.reasoning = params.includes('reasoning') || params.includes('include_reasoning');
    facts.structured_output = params.includes('structured_outputs') || params.includes('response_format');
  }
  if (input) {
    facts.input_modalities = input;
    facts.vision = input.includes('image');
  }
  if (output) facts.output_modalities = output;
  if (typeof m['context_length'] === 'number' && m['context_length'] > 0) facts.context_window = m['context_length'];
  return facts;
}
