import type { ProviderExtractors } from './extract-rules';

type Step = string | { type: 'array-match'; field: string; match: { equals: string } };
const m = (path: Step | Step[], dest: string) => ({
  path: Array.isArray(path) ? path : [path],
  dest,
  required: false,
});
/** Gemini's per-modality entry (clauses compare case-insensitively: `text` and `TEXT` alike). */
const modality = (name: string): Step => ({ type: 'array-match', field: 'modality', match: { equals: name } });

/**
 * Shapes other apps report usage in that genai-prices' table does not have, in the same form (a path per field and
 * the unit it counts toward; fields of one unit add up, so its spellings must exclude each other: a count or an
 * object, never both):
 * - the Vercel AI SDK's `usage` (v4/v5 flat counts, v6 `{total, cacheRead, …}` objects);
 * - LangChain's `usage_metadata` (`input_token_details`, `output_token_details`).
 */
export const OWN_EXTRACTORS: readonly ProviderExtractors[] = [
  {
    provider: 'ai-sdk',
    providerMatch: null,
    extractors: [
      {
        flavor: 'default',
        root: ['usage'],
        modelPath: null,
        mappings: [
          m('inputTokens', 'input_tokens'),
          m(['inputTokens', 'total'], 'input_tokens'),
          m('cachedInputTokens', 'cache_read_tokens'),
          m(['inputTokens', 'cacheRead'], 'cache_read_tokens'),
          m('cacheCreationInputTokens', 'cache_write_tokens'),
          m(['inputTokens', 'cacheWrite'], 'cache_write_tokens'),
          m('outputTokens', 'output_tokens'),
          m(['outputTokens', 'total'], 'output_tokens'),
          m('reasoningTokens', 'output_reasoning_tokens'),
          m(['outputTokens', 'reasoning'], 'output_reasoning_tokens'),
        ],
      },
    ],
  },
  {
    provider: 'langchain',
    providerMatch: null,
    extractors: [
      {
        flavor: 'default',
        root: ['usage'],
        modelPath: null,
        mappings: [
          { ...m('input_tokens', 'input_tokens'), required: true },
          m(['input_token_details', 'cache_read'], 'cache_read_tokens'),
          m(['input_token_details', 'cache_creation'], 'cache_write_tokens'),
          m(['input_token_details', 'audio'], 'input_audio_tokens'),
          { ...m('output_tokens', 'output_tokens'), required: true },
          m(['output_token_details', 'reasoning'], 'output_reasoning_tokens'),
          m(['output_token_details', 'audio'], 'output_audio_tokens'),
        ],
      },
      {
        // LangChain's Vertex AI usage: Gemini's counts in snake_case, modalities in lower case.
        flavor: 'vertex',
        root: ['usage'],
        modelPath: null,
        mappings: [
          { ...m('prompt_token_count', 'input_tokens'), required: true },
          m('cached_content_token_count', 'cache_read_tokens'),
          m(['prompt_tokens_details', modality('text'), 'token_count'], 'input_text_tokens'),
          m(['prompt_tokens_details', modality('image'), 'token_count'], 'input_image_tokens'),
          m(['prompt_tokens_details', modality('audio'), 'token_count'], 'input_audio_tokens'),
          m(['prompt_tokens_details', modality('video'), 'token_count'], 'input_video_tokens'),
          m('candidates_token_count', 'output_tokens'),
          m('thoughts_token_count', 'output_tokens'),
          m('thoughts_token_count', 'output_reasoning_tokens'),
        ],
      },
      {
        // `ChatResult.llm_output.token_usage`: OpenAI's counts as LangChain passes them on.
        flavor: 'llm-output',
        root: ['llm_output', 'token_usage'],
        modelPath: null,
        mappings: [
          { ...m('prompt_tokens', 'input_tokens'), required: true },
          { ...m('completion_tokens', 'output_tokens'), required: true },
        ],
      },
    ],
  },
];

/**
 * Fields of a provider's own usage that genai-prices' extractors leave out, added to them (each a documented field
 * of that API, counting toward the unit named): OpenAI's per-modality details, and the top-level
 * `cache_creation_input_tokens` LiteLLM's OpenAI-shaped usage carries for Anthropic-family models.
 */
export const SUPPLEMENTS: Readonly<Record<string, readonly ReturnType<typeof m>[]>> = {
  'openai/chat': [
    m(['completion_tokens_details', 'text_tokens'], 'output_text_tokens'),
    m('cache_creation_input_tokens', 'cache_write_tokens'),
  ],
  'openai/responses': [
    m(['input_tokens_details', 'audio_tokens'], 'input_audio_tokens'),
    m(['output_tokens_details', 'audio_tokens'], 'output_audio_tokens'),
    m(['output_tokens_details', 'text_tokens'], 'output_text_tokens'),
    // The transcription API's token usage (`type: "tokens"`, gpt-4o-transcribe) details its input by modality.
    m(['input_token_details', 'audio_tokens'], 'input_audio_tokens'),
    m(['input_token_details', 'text_tokens'], 'input_text_tokens'),
  ],
  // Gemini's Live API names the output side "response" instead of "candidates".
  'google/default': [
    m('responseTokenCount', 'output_tokens'),
    m(['responseTokensDetails', modality('TEXT'), 'tokenCount'], 'output_text_tokens'),
    m(['responseTokensDetails', modality('AUDIO'), 'tokenCount'], 'output_audio_tokens'),
  ],
  // Cohere bills embedded images apart from tokens (`billed_units.images`).
  'cohere/embeddings': [m('images', 'input_images')],
};

/**
 * OpenTelemetry GenAI attributes → units: for each unit the attribute spellings in use, the first one present wins
 * (a dotted `gen_ai.usage.cache_read.input_tokens` of 0 is the answer even when a flat spelling says otherwise).
 */
export const OTEL_ATTRIBUTES: readonly [string[], string][] = [
  [['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'], 'input_tokens'],
  [['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion'], 'output_tokens'],
  [
    [
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.cache_read_input_tokens',
      'gen_ai.usage.input_cached_tokens',
      'llm.token_count.prompt_details.cache_read',
    ],
    'cache_read_tokens',
  ],
  [
    [
      'gen_ai.usage.cache_creation.input_tokens',
      'gen_ai.usage.cache_creation_input_tokens',
      'gen_ai.usage.input_cache_creation',
      'llm.token_count.prompt_details.cache_write',
    ],
    'cache_write_tokens',
  ],
  [
    [
      'gen_ai.usage.reasoning.output_tokens',
      'gen_ai.usage.reasoning_tokens',
      'llm.token_count.completion_details.reasoning',
    ],
    'output_reasoning_tokens',
  ],
  [['gen_ai.usage.details.input_audio_tokens', 'llm.token_count.prompt_details.audio'], 'input_audio_tokens'],
  [
    [
      'gen_ai.usage.details.output_audio_tokens',
      'gen_ai.usage.output_audio_tokens',
      'llm.token_count.completion_details.audio',
    ],
    'output_audio_tokens',
  ],
  [['gen_ai.usage.details.cache_audio_read_tokens'], 'cache_audio_read_tokens'],
];
