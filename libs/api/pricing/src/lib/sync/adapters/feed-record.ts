import type { CapabilityFacts, ModelHint } from '@mph/api-catalog';
import type { ServiceTier } from '../../entities';
import type { NewComponent } from '../../services/price-writer';

/** One price version as a feed states it. `effectiveFrom` null: the feed gives no date (the price as of now). */
export interface FeedVersion {
  effectiveFrom: Date | null;
  serviceTier: ServiceTier;
  region: string;
  currency: string;
  components: NewComponent[];
}

/** An offering as a feed describes it: our provider slug, the provider's model id, and its price versions. */
export interface FeedRecord {
  /** Where in the feed it came from (a key, a path, provider/model), for diffs and errors. */
  ref: string;
  provider: string;
  providerModelId: string;
  /** A catalog model id an operator's id rule points this offering at. */
  modelHint?: string;
  /** The feed's own links to the model this offering serves (OpenRouter `hugging_face_id`, models.dev `base_model`). */
  modelHints?: ModelHint[];
  displayName?: string;
  contextWindow?: number | null;
  maxOutput?: number | null;
  /** What the feed says the model can do (models.dev, OpenRouter, LiteLLM): stored per field with its source. */
  capabilities?: CapabilityFacts;
  /** The feed's rule for which client model ids this offering prices (genai-prices `match`). */
  matchRule?: unknown;
  versions: FeedVersion[];
}

/** Capability fields a feed states about the model an offering serves (the catalog's type). */
export type { CapabilityFacts };

export interface FeedParseResult {
  adapter: string;
  /** Entries the feed holds (keys, models), whether or not they became records. */
  entries: number;
  records: FeedRecord[];
  /** Entries we could not use, with the reason (no usable price, malformed values, duplicates). */
  invalid: { ref: string; reason: string }[];
  /** Price fields we do not map yet, with how often they occurred: nothing is invented for them. */
  ignoredFields: Record<string, number>;
  /**
   * Providers the feed prices as others for models they do not list (genai-prices' `fallback_model_providers`:
   * Azure as OpenAI then Anthropic, Vertex as Anthropic), our slugs, in the feed's order.
   */
  providerFallbacks?: { provider: string; fallbacks: string[] }[];
}

export class FeedFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedFormatError';
  }
}

/** How a feed names providers → our vendor slugs. Anything else is slugified as is. */
const PROVIDER_ALIASES: Record<string, string> = {
  aws: 'bedrock',
  bedrock_converse: 'bedrock',
  bedrock_mantle: 'bedrock',
  amazon_nova: 'bedrock',
  gemini: 'google',
  google_ai_studio: 'google',
  vertex_ai: 'vertex-ai',
  together_ai: 'together',
  togetherai: 'together',
  'x-ai': 'xai',
  mistral: 'mistralai',
  fireworks_ai: 'fireworks',
  'fireworks-ai': 'fireworks',
  azure_ai: 'azure-ai',
  azure_text: 'azure',
  'amazon-bedrock': 'bedrock',
  'google-vertex': 'vertex-ai',
  'google-vertex-anthropic': 'vertex-ai',
  'cloudflare-workers-ai': 'cloudflare',
  'novita-ai': 'novita',
  friendliai: 'friendli',
  vercel_ai_gateway: 'vercel',
  gmicloud: 'gmi',
  nvidia_nim: 'nvidia',
  llama: 'meta',
  dashscope: 'alibaba',
  codestral: 'mistralai',
  'text-completion-codestral': 'mistralai',
  'text-completion-inception': 'inception',
  'snowflake-cortex': 'snowflake',
  text_completion_openai: 'openai',
  'text-completion-openai': 'openai',
  cohere_chat: 'cohere',
  moonshotai: 'moonshot',
  meta_llama: 'meta',
};

export function providerSlug(raw: string): string {
  const lower = raw.trim().toLowerCase();
  // LiteLLM splits Vertex AI by model family (vertex_ai-anthropic_models, …): one provider for us.
  if (lower.startsWith('vertex_ai')) return 'vertex-ai';
  const alias = PROVIDER_ALIASES[lower];
  if (alias) return alias;
  return lower
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

/** A JSON number or numeric string as an exact decimal string; null for anything that is not a finite number ≥ 0. */
export function decimalText(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? String(value) : null;
  if (typeof value === 'string' && /^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) return value.trim();
  return null;
}
