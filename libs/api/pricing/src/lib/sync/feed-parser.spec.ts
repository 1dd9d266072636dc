import type { FeedParseResult } from './adapters/feed-record';
import { applyIdRules } from './feed-parser';

const feed: FeedParseResult = {
  adapter: 'litellm',
  entries: 2,
  invalid: [],
  ignoredFields: {},
  records: [
    { ref: 'a', provider: 'vertex-ai', providerModelId: 'publishers/google/gemini-2.5-pro', versions: [] },
    { ref: 'b', provider: 'openai', providerModelId: 'gpt-4o-2024-08-06', versions: [] },
  ],
};

describe('id rules', () => {
  it('strips prefixes, renames providers and points offerings at catalog models', () => {
    const out = applyIdRules(feed, {
      strip_prefixes: ['publishers/google/'],
      providers: { 'vertex-ai': 'google-vertex' },
      models: { 'openai|gpt-4o-2024-08-06': 'openai/gpt-4o', 'google-vertex|gemini-2.5-pro': 'google/gemini-2.5-pro' },
    });
    expect(out.records.map((r) => [r.provider, r.providerModelId, r.modelHint])).toEqual([
      ['google-vertex', 'gemini-2.5-pro', 'google/gemini-2.5-pro'],
      ['openai', 'gpt-4o-2024-08-06', 'openai/gpt-4o'],
    ]);
  });

  it('leaves the feed as it is without rules', () => {
    expect(applyIdRules(feed, {})).toBe(feed);
  });
});
