import { checkJsonBody, JsonBodyError, MAX_JSON_DEPTH } from './json-guard';

const check = (text: string, depth?: number) => () => checkJsonBody(Buffer.from(text, 'utf8'), depth);

describe('checkJsonBody', () => {
  it('accepts ordinary JSON, brackets and escapes inside strings, and surrogate pairs', () => {
    expect(check('{"a": [1, {"b": "c"}], "d": null}')).not.toThrow();
    expect(check(JSON.stringify({ text: '[[[[{{{{ "quoted" \\ ]]]' }), 2)).not.toThrow();
    expect(check('{"emoji": "\\ud83d\\ude00", "plain": "😀", "nul": "\\u0000", "e": "\\u00e9\\"["}', 1)).not.toThrow();
    expect(check('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).not.toThrow();
  });

  it('refuses nesting past the limit with a 400 that says so', () => {
    let error: unknown;
    try {
      check('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonBodyError);
    expect(error).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP', type: 'entity.too.deep' });
    expect((error as Error).message).toBe('Request body nests deeper than 64 levels of arrays and objects.');
    expect(check('{"a": {"b": {"c": 1}}}', 2)).toThrow(JsonBodyError);
  });

  it('refuses escapes of unpaired surrogates (high alone, high then non-low, low alone)', () => {
    for (const text of ['"\\ud800"', '"\\uD800x"', '"\\ud800\\u0041"', '"\\udc00"', '{"k": "a\\uDFFFb"}']) {
      expect(check(text)).toThrow(expect.objectContaining({ code: 'INVALID_TEXT', status: 400 }));
    }
    // An escaped backslash followed by "ud800" is text, not an escape.
    expect(check('"\\\\ud800"')).not.toThrow();
  });
});
