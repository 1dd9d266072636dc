import { countTokens as exactO200k } from 'gpt-tokenizer/cjs/encoding/o200k_base';
import { contentText, countTokens, encodingFor, promptTokens } from './tokenizer';

describe('tokenizer', () => {
  it.each([
    ['gpt-4o-mini', 'o200k_base', true],
    ['openai/gpt-4.1-2025-04-14', 'o200k_base', true],
    ['gpt-5', 'o200k_base', true],
    ['o3-mini', 'o200k_base', true],
    ['gpt-4-turbo', 'cl100k_base', true],
    ['gpt-3.5-turbo-0125', 'cl100k_base', true],
    ['claude-3-5-sonnet-20241022', 'o200k_base', false],
    ['meta-llama/llama-3.1-8b-instruct', 'o200k_base', false],
    ['local/echo', 'o200k_base', false],
  ])('%s is counted with %s (exact: %s)', (model, encoding, exact) => {
    expect(encodingFor(model)).toEqual({ encoding, exact });
  });

  it('counts tokens as OpenAI’s tokenizers do', () => {
    // OpenAI's "How to count tokens with tiktoken" cookbook: "tiktoken is great!" is 6 tokens in cl100k_base.
    expect(countTokens('tiktoken is great!', 'cl100k_base')).toBe(6);
    expect(countTokens('hello world', 'o200k_base')).toBe(2);
    expect(countTokens('')).toBe(0);
  });

  it('counts a chat prompt with OpenAI’s framing: the API reference’s example bills 19 prompt tokens', () => {
    const messages = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Hello!' },
    ];
    expect(promptTokens(messages, 'gpt-3.5-turbo')).toBe(19);
    expect(promptTokens(messages, 'gpt-4o')).toBe(19);
    // Content arrays count their text parts.
    expect(promptTokens([{ role: 'user', content: [{ type: 'text', text: 'Hello!' }] }], 'gpt-4o')).toBe(9);
    expect(
      contentText([
        { type: 'image_url', image_url: { url: 'x' } },
        { type: 'text', text: 'hi' },
      ]),
    ).toBe(' hi');
  });

  it('counts long runs without whitespace in linear time, within a token per 128 characters of the exact count', () => {
    const run = 'a'.repeat(200_000);
    const n = countTokens(run);
    expect(n).toBeGreaterThan(0);
    // A short run is counted whole, so exactly.
    expect(countTokens('x'.repeat(127))).toBe(exactO200k('x'.repeat(127)));
    const cjk = '価格は百万トークンあたり'.repeat(40);
    const exact = exactO200k(cjk);
    expect(countTokens(cjk)).toBeGreaterThanOrEqual(exact);
    expect(countTokens(cjk)).toBeLessThanOrEqual(exact + Math.ceil(cjk.length / 128));
  });
});
