/**
 * Token counting with OpenAI's real BPE encodings (gpt-tokenizer, pure JavaScript): `o200k_base` for GPT-4o, GPT-4.1,
 * GPT-5 and the o-series, `cl100k_base` for GPT-4 and GPT-3.5. Other vendors' models have their own tokenizers that
 * are not public in this form: they are counted with `o200k_base`, an approximation (typically within ~10–20% for
 * English; looser for code and other scripts), which is what `exact: false` says.
 *
 * The encodings load on first use (~150 ms, ~30 MB), not at start-up.
 */
export type Encoding = 'o200k_base' | 'cl100k_base';

interface Encoder {
  countTokens(text: string): number;
}

const encoders = new Map<Encoding, Encoder>();

function encoder(encoding: Encoding): Encoder {
  let e = encoders.get(encoding);
  if (!e) {
    // Loaded lazily: the rank tables are large and most processes (CLI, jobs) never count tokens.
    e = (
      encoding === 'cl100k_base'
        ? require('gpt-tokenizer/encoding/cl100k_base')
        : require('gpt-tokenizer/encoding/o200k_base')
    ) as Encoder;
    encoders.set(encoding, e);
  }
  return e;
}

/** The encoding used for a model id (provider prefixes such as `openai/` ignored) and whether it is the model's own. */
export function encodingFor(model: string): { encoding: Encoding; exact: boolean } {
  const id = model.toLowerCase().replace(/^.*\//, '');
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o[1-9](-|$)|gpt-oss)/.test(id)) {
    return { encoding: 'o200k_base', exact: true };
  }
  if (/^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada)/.test(id)) return { encoding: 'cl100k_base', exact: true };
  return { encoding: 'o200k_base', exact: false };
}

/**
 * Byte-pair encoding cost grows with the square of a run without whitespace (a base64 blob, a line of CJK text, a
 * million `a`s), so long runs are counted in 128-character pieces: linear time, and at most one token more per piece
 * than the whole run would give (under 1% on real text).
 */
const LONG_RUN = /(\S{128})/;

/** Tokens in a text under an encoding. */
export function countTokens(text: string, encoding: Encoding = 'o200k_base'): number {
  if (!text) return 0;
  const e = encoder(encoding);
  let n = 0;
  for (const part of text.split(LONG_RUN)) if (part) n += e.countTokens(part);
  return n;
}

/** Text of a chat message's content: a string, or the text parts of a content array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        p && typeof p === 'object' && (p as { type?: string }).type === 'text'
          ? String((p as { text?: unknown }).text ?? '')
          : '',
      )
      .join(' ');
  }
  return '';
}

/** Per-message framing tokens in OpenAI's chat format (role and separators), and the reply's priming. */
export const MESSAGE_OVERHEAD = 3;
export const REPLY_PRIMING = 3;

/** Tokens one chat message costs in a prompt: its role, content (text parts) and name, plus framing. */
export function messageTokens(message: { role?: unknown; content?: unknown; name?: unknown }, encoding: Encoding) {
  let n = MESSAGE_OVERHEAD + countTokens(String(message.role ?? ''), encoding);
  n += countTokens(contentText(message.content), encoding);
  if (typeof message.name === 'string') n += countTokens(message.name, encoding) + 1;
  return n;
}

/** Prompt tokens of a whole conversation, counted the way OpenAI's chat models bill them (images not counted). */
export function promptTokens(messages: readonly { role?: unknown; content?: unknown }[], model: string): number {
  const { encoding } = encodingFor(model);
  return messages.reduce((sum, m) => sum + messageTokens(m, encoding), REPLY_PRIMING);
}
