import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeedParseResult, FeedRecord } from './feed-record';
import { FeedFormatError } from './feed-record';
import { parseGenaiPrices } from './genai-prices.adapter';
import { parseModelsDev } from './models-dev.adapter';
import { parseLitellm, parseLitellmField } from './litellm.adapter';
import { parseOpenrouter } from './openrouter.adapter';

const SHARED = join(__dirname, '../../../../../../../../shared/data');
const FIXTURES = join(__dirname, '../../../../test/fixtures');

/** The real file from ../shared/data when present, else the project's small fixture in the same format. */
function feed(shared: string, fixture: string): { body: string; real: boolean } {
  const real = existsSync(join(SHARED, shared));
  return { body: readFileSync(real ? join(SHARED, shared) : join(FIXTURES, fixture), 'utf8'), real };
}

const find = (r: FeedParseResult, provider: string, id: string, region = ''): FeedRecord => {
  const rec = r.records.find(
    (x) => x.provider === provider && x.providerModelId === id && (x.versions[0]?.region ?? '') === region,
  );
  if (!rec) throw new Error(`no record ${provider} ${id}`);
  return rec;
};
const amounts = (rec: FeedRecord, tier = 'standard', at = 0) =>
  Object.fromEntries(
    (rec.versions.filter((v) => v.serviceTier === tier)[at]?.components ?? [])
      .filter((c) => !c.prompt_tokens_above && !c.window_start)
      .map((c) => [c.unit, c.amount]),
  );

describe('LiteLLM adapter', () => {
  const { body, real } = feed('litellm/model_prices_and_context_window.json', 'litellm.json');
  const r = parseLitellm(body);

  it('parses every key and converts per-token floats to exact per-1M decimals', () => {
    if (real) {
      expect(r.entries).toBe(2984); // 2,985 keys less `sample_spec`
      expect(r.records.length).toBeGreaterThan(2500);
      expect(r.records.length + r.invalid.length).toBe(r.entries);
    }
    expect(amounts(find(r, 'openai', 'o3'))).toMatchObject({ input: '2', output: '8', cache_read: '0.5' });
    expect(amounts(find(r, 'openai', 'o3'), 'flex')).toEqual({ input: '1', output: '4', cache_read: '0.25' });
    expect(amounts(find(r, 'openai', 'o3'), 'priority')).toEqual({ input: '3.5', output: '14', cache_read: '0.875' });
    const gemini = find(r, 'google', 'gemini-2.5-pro');
    expect(amounts(gemini)).toMatchObject({ input: '1.25', output: '10' });
    expect(gemini.versions[0].components).toContainEqual({ unit: 'input', amount: '2.5', prompt_tokens_above: 200000 });
    expect(find(r, 'deepseek', 'deepseek-reasoner').versions[0].components).toContainEqual({
      unit: 'cache_read',
      amount: '0.028',
      prompt_tokens_above: 0,
    });
  });

  it('maps Anthropic cache writes (5 min and 1 h) and web search', () => {
    const sonnet = find(r, 'anthropic', 'claude-sonnet-4-5');
    expect(amounts(sonnet)).toMatchObject({
      input: '3',
      output: '15',
      cache_read: '0.3',
      cache_write: '3.75',
      cache_write_1h: '6',
      web_search: '0.01',
    });
    expect(sonnet.versions[0].components).toContainEqual({
      unit: 'cache_write_1h',
      amount: '12',
      prompt_tokens_above: 200000,
    });
    expect(sonnet.contextWindow).toBeGreaterThanOrEqual(200000);
  });

  it('strips provider prefixes, reads AWS regions, keeps free local models free', () => {
    expect(find(r, 'together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo')).toBeDefined();
    const regional = r.records.find((x) => x.provider === 'bedrock' && x.versions[0].region !== '');
    expect(regional?.versions[0].region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(amounts(find(r, 'ollama', 'llama3'))).toMatchObject({ input: '0', output: '0' });
  });

  it('reports unusable entries and unmapped fields instead of inventing prices', () => {
    if (!real)
      expect(r.invalid).toContainEqual({
        ref: 'broken/negative',
        reason: expect.stringMatching(/input_cost_per_token=-1/),
      });
    for (const rec of r.records) {
      for (const v of rec.versions) for (const c of v.components) expect(c.amount).toMatch(/^\d+(\.\d+)?$/);
    }
    if (real) expect(Object.keys(r.ignoredFields)).toContain('input_dbu_cost_per_token');
    expect(() => parseLitellm('{"truncated": ')).toThrow(FeedFormatError);
    expect(() => parseLitellm('[]')).toThrow(FeedFormatError);
  });

  it.each([
    ['input_cost_per_token', { unit: 'input', above: 0, serviceTier: 'standard' }],
    ['output_cost_per_token_above_272k_tokens_priority', { unit: 'output', above: 272000, serviceTier: 'priority' }],
    ['cache_creation_input_token_cost_above_1hr_above_200k_tokens', { unit: 'cache_write_1h', above: 200000 }],
    ['input_cost_per_token_batches', { unit: 'input', serviceTier: 'batch' }],
  ])('reads the field name %s', (field, expected) => expect(parseLitellmField(field)).toMatchObject(expected));
  it('does not guess at unknown fields', () => expect(parseLitellmField('input_dbu_cost_per_token')).toBeNull());
});

describe('OpenRouter adapter', () => {
  const { body, real } = feed('openrouter/models.json', 'openrouter-models.json');
  const r = parseOpenrouter(body);

  it('parses the models list with string prices per token', () => {
    if (real) {
      expect(r.entries).toBe(364);
      expect(r.records.length + r.invalid.length).toBe(364);
    }
    const o3 = find(r, 'openrouter', 'openai/o3');
    expect(amounts(o3)).toEqual({ input: '2', output: '8', cache_read: '0.5', web_search: '0.01' });
    expect(amounts(find(r, 'openrouter', 'meta-llama/llama-3.1-8b-instruct'))).toEqual({
      input: '0.02',
      output: '0.05',
    });
  });

  it('treats "-1" as unknown (never a rate) and "0" as free', () => {
    expect(r.invalid).toContainEqual({ ref: 'openrouter/auto', reason: expect.stringContaining('varies') });
    const free = r.records.find((x) => x.providerModelId.endsWith(':free'));
    expect(free && amounts(free)).toMatchObject({ input: '0', output: '0' });
    expect(r.records.every((x) => x.versions[0].components.every((c) => c.amount !== '-1000000'))).toBe(true);
  });
});

describe('genai-prices adapter', () => {
  const { body, real } = feed('genai-prices/data.v2.json', 'genai-prices.json');
  const r = parseGenaiPrices(body);

  it('parses providers and models', () => {
    if (real) {
      expect(r.entries).toBe(1466);
      expect(r.records.length + r.invalid.length).toBe(1466);
    }
    expect(r.records.length).toBeGreaterThan(0);
  });

  it('keeps dated prices as versions: o3 before and after 2025-06-10', () => {
    const o3 = find(r, 'openai', 'o3');
    expect(o3.versions.map((v) => v.effectiveFrom?.toISOString().slice(0, 10))).toEqual(['1970-01-01', '2025-06-10']);
    expect(amounts(o3, 'standard', 0)).toMatchObject({ input: '10', output: '40' });
    expect(amounts(o3, 'standard', 1)).toMatchObject({ input: '2', output: '8' });
  });

  it('keeps prompt-size tiers and time-of-day windows', () => {
    const gemini = find(r, 'google', 'gemini-2.5-pro');
    expect(gemini.versions[0].components).toEqual(
      expect.arrayContaining([
        { unit: 'input', amount: '1.25' },
        { unit: 'input', amount: '2.5', prompt_tokens_above: 200000 },
        { unit: 'output', amount: '15', prompt_tokens_above: 200000 },
      ]),
    );
    const deepseek = find(r, 'deepseek', 'deepseek-chat');
    expect(deepseek.versions).toHaveLength(1);
    expect(deepseek.versions[0].components).toEqual(
      expect.arrayContaining([
        { unit: 'input', amount: '0.135' },
        { unit: 'input', amount: '0.27', window_start: '00:30:00', window_end: '16:30:00' },
      ]),
    );
  });

  it('rejects what is not genai-prices v2', () => {
    expect(() => parseGenaiPrices('{}')).toThrow(FeedFormatError);
    expect(() => parseGenaiPrices('[{"id": 1}]')).toThrow(FeedFormatError);
  });
});

describe('models.dev adapter', () => {
  const real = existsSync(join(SHARED, 'models.dev/providers-models.tar.gz'));
  const tree = real ? parseModelsDev(readFileSync(join(SHARED, 'models.dev/providers-models.tar.gz'))) : null;
  const api = parseModelsDev(readFileSync(join(FIXTURES, 'models-dev-api.json')));

  it('reads the TOML tree (gzipped tar, links followed) and api.json into the same records', () => {
    for (const r of [tree, api]) {
      if (!r) continue;
      expect(amounts(find(r, 'anthropic', 'claude-sonnet-4-5-20250929'))).toEqual({
        input: '3',
        output: '15',
        cache_read: '0.3',
        cache_write: '3.75',
      });
      expect(find(r, 'anthropic', 'claude-sonnet-4-5-20250929').contextWindow).toBe(200000);
      expect(find(r, 'google', 'gemini-2.5-pro').versions[0].components).toEqual(
        expect.arrayContaining([
          { unit: 'input', amount: '1.25' },
          { unit: 'input', amount: '2.5', prompt_tokens_above: 200000 },
          { unit: 'output', amount: '15', prompt_tokens_above: 200000 },
        ]),
      );
    }
    if (tree) {
      expect(tree.entries).toBe(5307);
      expect(tree.records.length + tree.invalid.length).toBe(5307);
      expect(tree.invalid).toContainEqual({
        ref: expect.stringContaining('siliconflow-cn/'),
        reason: 'links to a file the archive does not hold',
      });
      // google-vertex-anthropic is Vertex AI for us; base_model names models.dev's canonical model.
      expect(find(tree, 'vertex-ai', 'claude-sonnet-4-5@20250929').modelHints).toContainEqual({
        id: 'anthropic/claude-sonnet-4-5-20250929',
        via: 'models.dev base_model',
      });
      // A provider file inherits its canonical model (`models/openai/gpt-oss-120b.toml`): name, limits, weights.
      const groq = find(tree, 'groq', 'openai/gpt-oss-120b');
      expect(groq.displayName).toBe('GPT OSS 120B');
      expect(groq.contextWindow).toBe(131072);
      expect(groq.maxOutput).toBe(65536);
      expect(groq.modelHints?.[0]).toEqual({ id: 'openai/gpt-oss-120b', via: 'models.dev weights', hf: true });
      expect(groq.capabilities).toMatchObject({ tool_calling: true, reasoning: true, open_weights: true });
      expect(find(tree, 'openai', 'gpt-4o').capabilities).toMatchObject({
        tool_calling: true,
        vision: true,
        open_weights: false,
        knowledge_cutoff: '2023-09',
        release_date: '2024-05-13',
        input_modalities: ['text', 'image', 'pdf'],
      });
    }
  });

  it('reports a model without cost as unknown, never free', () => {
    expect(api.invalid).toContainEqual({ ref: 'openai/text-embedding-free-demo', reason: 'no cost' });
    expect(() => parseModelsDev('{}')).toThrow(FeedFormatError);
    expect(() => parseModelsDev(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toThrow(/archive is damaged/);
  });
});
