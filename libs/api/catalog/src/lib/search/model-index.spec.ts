import { IndexedModel, IndexQuery, ModelIndex, topK, words } from './model-index';

const model = (id: string, over: Partial<IndexedModel> = {}): IndexedModel => ({
  id,
  aliases: '',
  displayName: id.split('/')[1],
  author: id.split('/')[0],
  tags: '',
  description: null,
  vendor: null,
  pipelineTag: 'text-generation',
  library: 'transformers',
  license: null,
  contextWindow: null,
  toolCalling: null,
  structuredOutput: null,
  reasoning: null,
  vision: null,
  openWeights: true,
  downloads: 0,
  likes: 0,
  trending: 0,
  created: null,
  updated: null,
  ...over,
});

const q = (over: Partial<IndexQuery>): IndexQuery => ({ q: '', sort: 'relevance', offset: 0, limit: 20, ...over });

function build(models: IndexedModel[], frozen = true): ModelIndex {
  const index = new ModelIndex();
  for (const m of [...models].sort((a, b) => (a.id < b.id ? -1 : 1))) index.upsert(m);
  if (frozen) index.freeze();
  return index;
}

describe('ModelIndex', () => {
  const models = [
    model('meta-llama/Llama-3.1-8B-Instruct', { downloads: 5_000_000, likes: 900, created: Date.UTC(2024, 6, 23) }),
    model('meta-llama/Llama-3.1-70B', { downloads: 800_000, likes: 900, created: Date.UTC(2024, 6, 23) }),
    model('bartowski/Llama-3.1-8B-Instruct-GGUF', { downloads: 300_000, library: 'gguf', likes: 50 }),
    model('mistralai/Mistral-7B-Instruct-v0.3', { downloads: 2_000_000, likes: 900, contextWindow: 32768 }),
    model('mistralai/Mixtral-8x7B-v0.1', { downloads: 100_000, openWeights: null }),
    model('google/gemma-2-9b-it', { downloads: 1_000_000, tags: 'license:gemma en', vision: true }),
    model('user/lama-inpainting', { downloads: 10, pipelineTag: 'image-to-image' }),
  ];
  const index = build(models);
  const ids = (query: Partial<IndexQuery>) => index.search(q(query)).ids;

  it('cuts words as the SQL search does', () => {
    expect(words('meta-llama/Llama-3.1-8B')).toEqual(['meta', 'llama', 'llama', '3', '1', '8b']);
    expect(words('  ++ ')).toEqual([]);
  });

  it('matches every word, the last one as a prefix, and counts all matches', () => {
    expect(ids({ q: 'llama 8b', sort: 'downloads' })).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      'bartowski/Llama-3.1-8B-Instruct-GGUF',
    ]);
    expect(ids({ q: 'instr', sort: 'downloads' })).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      'mistralai/Mistral-7B-Instruct-v0.3',
      'bartowski/Llama-3.1-8B-Instruct-GGUF',
    ]);
    // Only the last word is a prefix.
    expect(index.search(q({ q: 'instr llama', sort: 'downloads' })).total).toBe(0);
    expect(index.search(q({ q: 'gemma', sort: 'likes' })).total).toBe(1);
  });

  it('puts the exact id first, then ranks by the words and popularity', () => {
    expect(ids({ q: 'BARTOWSKI/llama-3.1-8b-instruct-gguf' })[0]).toBe('bartowski/Llama-3.1-8B-Instruct-GGUF');
    expect(ids({ q: 'llama' })[0]).toBe('meta-llama/Llama-3.1-8B-Instruct');
    // A name that is the query's words, whatever the owner and punctuation, before longer names.
    const named = build([
      model('openai/ft-gpt-4o', { downloads: 0 }),
      model('openai/gpt-4o-mini', { downloads: 100 }),
      model('openai/gpt-4o', { downloads: 0, description: 'GPT-4o is a multimodal model. '.repeat(40) }),
    ]);
    expect(named.search(q({ q: 'gpt-4o' })).ids[0]).toBe('openai/gpt-4o');
    expect(named.search(q({ q: 'GPT 4o' })).ids[0]).toBe('openai/gpt-4o');
  });

  it('tolerates one typo when ranking by relevance, typo matches after exact ones', () => {
    // "lama" is a word of its own (lama-inpainting): it comes first, then llama one edit away.
    const found = ids({ q: 'lama', limit: 10 });
    expect(found[0]).toBe('user/lama-inpainting');
    expect(found).toContain('meta-llama/Llama-3.1-8B-Instruct');
    expect(ids({ q: 'mistrall' })).toContain('mistralai/Mistral-7B-Instruct-v0.3');
    // Sorted by a value, typos only when nothing matches exactly.
    expect(ids({ q: 'lama', sort: 'downloads' })).toEqual(['user/lama-inpainting']);
    expect(ids({ q: 'gemmma', sort: 'downloads' })).toEqual(['google/gemma-2-9b-it']);
    // Short words get no typo: "phi" must not find "pho".
    expect(ids({ q: 'zzz' })).toEqual([]);
  });

  it('applies filters as the SQL search: unknown flags are not true, unknown values match nothing', () => {
    expect(ids({ q: 'mi', sort: 'downloads', flags: { open_weights: false } })).toEqual([
      'mistralai/Mixtral-8x7B-v0.1',
    ]);
    expect(ids({ q: 'mi', sort: 'downloads', flags: { open_weights: true } })).toEqual([
      'mistralai/Mistral-7B-Instruct-v0.3',
    ]);
    expect(ids({ q: 'llama', library: 'gguf', sort: 'downloads' })).toEqual(['bartowski/Llama-3.1-8B-Instruct-GGUF']);
    expect(ids({ q: 'llama', library: 'onnx' })).toEqual([]);
    expect(ids({ q: 'instruct', min_context: 8192, sort: 'downloads' })).toEqual([
      'mistralai/Mistral-7B-Instruct-v0.3',
    ]);
    expect(ids({ q: 'google', author: 'google', flags: { vision: true } })).toEqual(['google/gemma-2-9b-it']);
    expect(ids({ q: 'gemma', sort: 'downloads', pipeline_tag: 'text-generation' })).toEqual(['google/gemma-2-9b-it']);
  });

  it('breaks ties by id, puts unknown values last, and pages by offset or cursor', () => {
    const byLikes = index.search(q({ q: 'instruct', sort: 'likes' }));
    // Three models with 900 likes: id order among them.
    expect(byLikes.ids).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      'mistralai/Mistral-7B-Instruct-v0.3',
      'bartowski/Llama-3.1-8B-Instruct-GGUF',
    ]);
    const byCreated = index.search(q({ q: 'llama', sort: 'created' }));
    expect(byCreated.ids).toEqual([
      'meta-llama/Llama-3.1-70B',
      'meta-llama/Llama-3.1-8B-Instruct',
      'bartowski/Llama-3.1-8B-Instruct-GGUF',
    ]);
    expect(byCreated.values).toEqual([Date.UTC(2024, 6, 23), Date.UTC(2024, 6, 23), -Infinity]);
    const page2 = index.search(q({ q: 'llama', sort: 'created', offset: 1, limit: 1 }));
    expect(page2).toEqual({ ids: ['meta-llama/Llama-3.1-8B-Instruct'], values: [Date.UTC(2024, 6, 23)], total: 3 });
    const after = index.search(
      q({
        q: 'llama',
        sort: 'created',
        after: { value: Date.UTC(2024, 6, 23), id: 'meta-llama/Llama-3.1-8B-Instruct' },
      }),
    );
    expect(after.ids).toEqual(['bartowski/Llama-3.1-8B-Instruct-GGUF']);
    expect(index.search(q({ q: 'llama', sort: 'created', after: { value: -Infinity, id: 'a' } })).ids).toEqual([
      'bartowski/Llama-3.1-8B-Instruct-GGUF',
    ]);
    expect(index.search(q({ q: 'llama', sort: 'downloads', offset: 50 }))).toEqual({ ids: [], values: [], total: 3 });
  });

  it('follows changes: values in place, new words under a new ordinal, removals', () => {
    const live = build(models);
    live.upsert({ ...models[2], downloads: 9_000_000 });
    expect(live.deadRatio).toBe(0);
    expect(live.search(q({ q: 'llama', sort: 'downloads' })).ids[0]).toBe('bartowski/Llama-3.1-8B-Instruct-GGUF');
    live.upsert({ ...models[5], displayName: 'Gemma Zebrafinch' });
    expect(live.deadRatio).toBeGreaterThan(0);
    expect(live.search(q({ q: 'zebraf' })).ids).toEqual(['google/gemma-2-9b-it']);
    expect(live.search(q({ q: 'gemma', sort: 'downloads' })).total).toBe(1);
    live.upsert(model('aaa/zebrafinch-1b', { downloads: 1 }));
    expect(live.search(q({ q: 'zebrafinch', sort: 'likes' })).ids).toEqual([
      'aaa/zebrafinch-1b',
      'google/gemma-2-9b-it',
    ]);
    live.remove('google/gemma-2-9b-it');
    expect(live.search(q({ q: 'zebrafinch' })).ids).toEqual(['aaa/zebrafinch-1b']);
    expect(live.size).toBe(models.length);
    expect(live.has('google/gemma-2-9b-it')).toBe(false);
  });

  it('answers while still loading (postings not yet compact)', () => {
    const loading = build(models.slice(0, 3), false);
    expect(loading.search(q({ q: 'llama', sort: 'downloads' })).total).toBe(3);
  });
});

describe('topK', () => {
  it('keeps the best k by key, ties by the given order', () => {
    const key = Float64Array.from([5, 1, 5, 9, 3, 5, 0, 7]);
    const items = Int32Array.from({ length: 2000 }, (_, i) => i % 8);
    const all = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(topK(all, 8, 3, key, (a, b) => a < b)).toEqual([3, 7, 0]);
    expect(topK(all, 8, 5, key, (a, b) => a > b)).toEqual([3, 7, 5, 2, 0]);
    expect(topK(items, items.length, 2, key, (a, b) => a < b)).toEqual([3, 3]);
    expect(topK(all, 0, 3, key, () => true)).toEqual([]);
  });
});
