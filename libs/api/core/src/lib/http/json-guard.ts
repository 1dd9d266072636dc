/** How deep a JSON request body may nest; real payloads (provider responses included) stay far below. */
export const MAX_JSON_DEPTH = 64;

/** A body rejected before parsing; body-parser passes `status` and `type` on to the error mapping. */
export class JsonBodyError extends Error {
  readonly status = 400;
  readonly expose = true;
  readonly code: 'JSON_TOO_DEEP' | 'INVALID_TEXT';
  constructor(
    readonly type: 'entity.too.deep' | 'entity.lone.surrogate',
    message: string,
  ) {
    super(message);
    this.code = type === 'entity.too.deep' ? 'JSON_TOO_DEEP' : 'INVALID_TEXT';
  }
}

const hexValue = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;

/** The code unit of a `\uXXXX` escape whose hex digits start at `at`, or -1. */
function escapedUnit(buf: Buffer, at: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const h = hexValue(buf[at + k] ?? 0);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/**
 * One pass over a raw JSON body (body-parser's `verify` hook) that refuses what would crash the code after the
 * parser: nesting deeper than `maxDepth` (recursive validation and transformation overflow the stack) and `\u`
 * escapes of unpaired UTF-16 surrogates (no valid text holds them; URL and e-mail checks throw on them).
 * Malformed JSON is left to the parser, which answers it.
 */
export function checkJsonBody(buf: Buffer, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x22) inString = false;
      else if (c === 0x5c) {
        if (buf[i + 1] !== 0x75) {
          i++; // an escaped character: skip it (it may be a quote)
          continue;
        }
        const unit = escapedUnit(buf, i + 2);
        if (unit >= 0xd800 && unit <= 0xdbff) {
          const low = buf[i + 6] === 0x5c && buf[i + 7] === 0x75 ? escapedUnit(buf, i + 8) : -1;
          if (low < 0xdc00 || low > 0xdfff) throw loneSurrogate();
          i += 11;
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          throw loneSurrogate();
        } else {
          i += 5;
        }
      }
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) {
        throw new JsonBodyError(
          'entity.too.deep',
          `Request body nests deeper than ${maxDepth} levels of arrays and objects.`,
        );
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

const loneSurrogate = () =>
  new JsonBodyError(
    'entity.lone.surrogate',
    'Request body holds a \\u escape of an unpaired UTF-16 surrogate, which is not text. Send valid Unicode.',
  );
