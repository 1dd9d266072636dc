/**
 * Normalized usage, in the unit convention of genai-prices' unit registry: `input_tokens` counts every prompt token
 * and the cache/audio/image/video token counts are parts of it; `output_tokens` counts every output token and the
 * reasoning/audio/image counts are parts of it. Per-item counts stand alone.
 */
export interface Usage {
  input_tokens?: number;
  cache_read_tokens?: number;
  /** Cache writes whose TTL is not stated (priced as 5-minute writes). */
  cache_write_tokens?: number;
  cache_write_5m_tokens?: number;
  cache_write_1h_tokens?: number;
  input_audio_tokens?: number;
  cache_audio_read_tokens?: number;
  input_image_tokens?: number;
  input_video_tokens?: number;
  output_tokens?: number;
  output_reasoning_tokens?: number;
  output_audio_tokens?: number;
  output_image_tokens?: number;
  requests?: number;
  web_searches?: number;
  /** Images generated (per image). */
  images?: number;
  /** Images sent as input, when a price is per image. */
  input_images?: number;
}

export const USAGE_KEYS: (keyof Usage)[] = [
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'input_audio_tokens',
  'cache_audio_read_tokens',
  'input_image_tokens',
  'input_video_tokens',
  'output_tokens',
  'output_reasoning_tokens',
  'output_audio_tokens',
  'output_image_tokens',
  'requests',
  'web_searches',
  'images',
  'input_images',
];

export class UsageError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Checks counts are whole and non-negative and parts fit in their totals; returns the usage without zero entries. */
export function normalizeUsage(raw: Record<string, unknown>): Usage {
  const usage: Usage = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(USAGE_KEYS as string[]).includes(key)) {
      throw new UsageError(`Unknown usage field "${key}". Known: ${USAGE_KEYS.join(', ')}.`, key);
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new UsageError(`${key} must be a whole number ≥ 0.`, key);
    }
    if (value > 0) usage[key as keyof Usage] = value;
  }
  const n = (k: keyof Usage) => usage[k] ?? 0;
  const inputParts =
    n('cache_read_tokens') +
    n('cache_write_tokens') +
    n('cache_write_5m_tokens') +
    n('cache_write_1h_tokens') +
    n('input_audio_tokens') +
    n('input_image_tokens') +
    n('input_video_tokens') -
    // Cached audio is part of both cache_read_tokens and input_audio_tokens: count it once.
    n('cache_audio_read_tokens');
  if (inputParts > n('input_tokens')) {
    throw new UsageError(
      `The parts of input_tokens (cache, audio, image, video: ${inputParts}) exceed input_tokens (${n('input_tokens')}). ` +
        'input_tokens counts the whole prompt, cache reads and writes included.',
      'input_tokens',
    );
  }
  if (n('cache_audio_read_tokens') > Math.min(n('cache_read_tokens'), n('input_audio_tokens'))) {
    throw new UsageError(
      'cache_audio_read_tokens is part of both cache_read_tokens and input_audio_tokens.',
      'cache_audio_read_tokens',
    );
  }
  const outputParts = n('output_reasoning_tokens') + n('output_audio_tokens') + n('output_image_tokens');
  if (outputParts > n('output_tokens')) {
    throw new UsageError(
      `The parts of output_tokens (reasoning, audio, image: ${outputParts}) exceed output_tokens (${n('output_tokens')}). ` +
        'output_tokens counts all output, reasoning included.',
      'output_tokens',
    );
  }
  return usage;
}
