import { contentText } from '../tokens/tokenizer';
import type { ChatChunk, UpstreamResult } from './upstream';

/** The built-in model id of the local provider, in the catalog with a zero price. */
export const LOCAL_MODEL = 'local/echo';

/** A rough token count (4 characters a token, at least 1): the local provider's own, stated approximation. */
export function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * The local provider: no network, deterministic, honest. It answers every request by echoing the last user message
 * (and says it is an echo, not a model), streams it word by word, and reports usage like an OpenAI-compatible server.
 */
export function localEcho(body: Record<string, unknown>): UpstreamResult {
  const messages = (body['messages'] as { role?: string; content?: unknown }[] | undefined) ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const said = contentText(last?.content).trim() || '(nothing)';
  const text = `[local echo, not a real model] You said: ${said}`;
  const words = text.split(/(?<= )/);
  const maxTokens = typeof body['max_tokens'] === 'number' ? (body['max_tokens'] as number) : Infinity;
  const parts = words.slice(0, Math.max(1, maxTokens));
  const prompt = approxTokens(messages.map((m) => contentText(m.content)).join('\n'));
  const usage = { prompt_tokens: prompt, completion_tokens: parts.length, total_tokens: prompt + parts.length };
  const finish = parts.length < words.length ? 'length' : 'stop';
  const id = `chatcmpl-local${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  if (body['stream'] !== true) {
    return {
      kind: 'json',
      body: {
        id,
        object: 'chat.completion',
        created,
        model: LOCAL_MODEL,
        choices: [{ index: 0, message: { role: 'assistant', content: parts.join('') }, finish_reason: finish }],
        usage,
      },
    };
  }
  let aborted = false;
  const chunk = (delta: object, finishReason: string | null): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: LOCAL_MODEL,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  return {
    kind: 'stream',
    abort: () => {
      aborted = true;
    },
    chunks: (async function* () {
      yield chunk({ role: 'assistant', content: '' }, null);
      for (const p of parts) {
        // Token by token, yielding to the event loop between them like a real stream.
        await new Promise((r) => setImmediate(r));
        if (aborted) return;
        yield chunk({ content: p }, null);
      }
      yield chunk({}, finish);
      yield { id, object: 'chat.completion.chunk', created, model: LOCAL_MODEL, choices: [], usage };
    })(),
  };
}
