import { ChatRequest } from './call';
import { GatewayError } from './gateway-error';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

const bad = (message: string, param: string) => new GatewayError(400, message, 'invalid_request_error', null, param);

/** Checks a chat completion body the way OpenAI does (shape, not content), answering its error shape. */
export function validateChatRequest(body: unknown): ChatRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('The body must be a JSON object.', 'body');
  const b = body as Record<string, unknown>;
  if (typeof b['model'] !== 'string' || !b['model']) throw bad("Missing required parameter: 'model'.", 'model');
  if (!Array.isArray(b['messages']) || b['messages'].length === 0) {
    throw bad("'messages' must be a non-empty array.", 'messages');
  }
  b['messages'].forEach((m, i) => {
    if (!m || typeof m !== 'object' || !ROLES.has(String((m as { role?: unknown }).role))) {
      throw bad(`messages[${i}].role must be one of ${[...ROLES].join(', ')}.`, `messages[${i}].role`);
    }
  });
  if (b['stream'] !== undefined && typeof b['stream'] !== 'boolean') throw bad("'stream' must be a boolean.", 'stream');
  for (const k of ['max_tokens', 'max_completion_tokens', 'n']) {
    const v = b[k];
    if (v !== undefined && v !== null && !(Number.isSafeInteger(v) && (v as number) >= 1)) {
      throw bad(`'${k}' must be a positive integer.`, k);
    }
  }
  if ((b['n'] ?? 1) !== 1) throw bad('Only n = 1 is supported.', 'n');
  return b as ChatRequest;
}
