import { aggregateCapabilities, capabilityRank, CAPABILITY_PRECEDENCE } from './capabilities';

const of = (facts: ReturnType<typeof aggregateCapabilities>, modelId: string, field: string) =>
  facts.find((f) => f.modelId === modelId && f.field === field);

describe('capabilities: one source’s view of a model from all its records', () => {
  it('the creator’s own offering under the model’s name speaks for the model', () => {
    const facts = aggregateCapabilities([
      { modelId: 'openai/gpt-4o', provider: 'azure', facts: { max_output: 4096, last_updated: '2025-01-01' } },
      {
        modelId: 'openai/gpt-4o',
        provider: 'openai',
        facts: { max_output: 4096, last_updated: '2024-11-20' },
      },
      {
        modelId: 'openai/gpt-4o',
        provider: 'openai',
        exact: true,
        facts: { max_output: 16384, last_updated: '2024-08-06' },
      },
    ]);
    expect(of(facts, 'openai/gpt-4o', 'max_output')).toEqual({
      modelId: 'openai/gpt-4o',
      field: 'max_output',
      value: 16384,
      via: ['openai'],
    });
    expect(of(facts, 'openai/gpt-4o', 'last_updated')?.value).toBe('2024-08-06');
  });

  it('without the creator, the model can do what any provider serves; limits are the largest', () => {
    const facts = aggregateCapabilities([
      {
        modelId: 'openai/gpt-oss-120b',
        provider: 'groq',
        facts: { tool_calling: false, context_window: 131072, input_modalities: ['text'] },
      },
      {
        modelId: 'openai/gpt-oss-120b',
        provider: 'fireworks',
        facts: { tool_calling: true, context_window: 128000, input_modalities: ['image', 'text'] },
      },
      { modelId: 'openai/gpt-oss-120b', provider: 'cerebras', facts: { tool_calling: true } },
    ]);
    expect(of(facts, 'openai/gpt-oss-120b', 'tool_calling')).toMatchObject({
      value: true,
      via: ['cerebras', 'fireworks'],
    });
    expect(of(facts, 'openai/gpt-oss-120b', 'context_window')).toMatchObject({ value: 131072, via: ['groq'] });
    // Modalities are the union, in a stable order (text first).
    expect(of(facts, 'openai/gpt-oss-120b', 'input_modalities')?.value).toEqual(['text', 'image']);
  });

  it('dates: the earliest release, the latest update, the most stated knowledge cutoff', () => {
    const facts = aggregateCapabilities([
      { modelId: 'x/m', provider: 'a', facts: { release_date: '2024-06-01', knowledge_cutoff: '2024-01' } },
      { modelId: 'x/m', provider: 'b', facts: { release_date: '2024-05-01', knowledge_cutoff: '2023-12' } },
      { modelId: 'x/m', provider: 'c', facts: { last_updated: '2024-09-01', knowledge_cutoff: '2024-01' } },
    ]);
    expect(of(facts, 'x/m', 'release_date')?.value).toBe('2024-05-01');
    expect(of(facts, 'x/m', 'last_updated')?.value).toBe('2024-09-01');
    expect(of(facts, 'x/m', 'knowledge_cutoff')).toMatchObject({ value: '2024-01', via: ['a', 'c'] });
  });

  it('fields nobody states are absent (unknown is not false), and empty records state nothing', () => {
    const facts = aggregateCapabilities([
      { modelId: 'x/m', provider: 'a', facts: { vision: false } },
      { modelId: 'x/n', provider: 'a', facts: {} },
    ]);
    expect(facts).toEqual([{ modelId: 'x/m', field: 'vision', value: false, via: ['a'] }]);
  });

  it('precedence: operator > models.dev > OpenRouter > LiteLLM > any other feed', () => {
    expect(CAPABILITY_PRECEDENCE).toEqual(['operator', 'models.dev', 'openrouter', 'litellm']);
    const ranks = ['operator', 'models.dev', 'openrouter', 'litellm', 'json'].map(capabilityRank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(capabilityRank('json')).toBe(0);
  });
});
