import { matchCandidates, routeProvider, matchesClause } from './match';

describe('matchCandidates', () => {
  it.each([
    ['openai', 'gpt-4o', ['gpt-4o']],
    ['openai', 'openai/gpt-4o-2024-08-06', ['openai/gpt-4o-2024-08-06', 'gpt-4o-2024-08-06', 'gpt-4o']],
    ['openai', 'gpt-4o-latest', ['gpt-4o-latest', 'gpt-4o']],
    ['anthropic', 'claude-sonnet-4-5-20250929', ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5']],
    ['google', 'models/gemini-2.5-pro', ['models/gemini-2.5-pro', 'gemini-2.5-pro']],
    [
      'vertex-ai',
      'claude-sonnet-4-5@20250929',
      ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ],
    [
      'bedrock',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      [
        'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        'anthropic.claude-sonnet-4-5-20250929-v1:0',
        'anthropic.claude-sonnet-4-5',
        'anthropic.claude-sonnet-4-5-20250929',
      ],
    ],
  ])('%s %s → %j', (provider, model, expected) => {
    expect(matchCandidates(provider, model)).toEqual(expected);
  });
});

describe('matchesClause (genai-prices match rules)', () => {
  const gpt4o = { or: [{ equals: 'gpt-4o' }, { equals: 'gpt-4o-2024-08-06' }] };
  it.each([
    [gpt4o, 'gpt-4o-2024-08-06', true],
    [gpt4o, 'GPT-4o', true],
    [gpt4o, 'gpt-4o-mini', false],
    [{ starts_with: 'gemini-2.5-pro' }, 'gemini-2.5-pro-preview-05-06', true],
    [{ contains: 'sonnet-4-5' }, 'claude-sonnet-4-5@20250929', true],
    [{ ends_with: '-turbo' }, 'llama-3-70b-turbo', true],
    [{ regex: '^o[134]' }, 'o3-mini', true],
    [{ regex: '([' }, 'o3', false],
    [{ and: [{ starts_with: 'o3' }, { contains: 'mini' }] }, 'o3-mini-high', true],
    [{ and: [{ starts_with: 'o3' }, { contains: 'mini' }] }, 'o3-pro', false],
    [{ whatever: 'x' }, 'x', false],
    [null, 'x', false],
  ])('%j vs %s → %s', (clause, id, expected) => {
    expect(matchesClause(clause, id as string)).toBe(expected);
  });

  it('strips OpenRouter routing variants but never :free (a model of its own)', () => {
    const nitro = matchCandidates('openrouter', 'openai/gpt-4o:nitro');
    expect(nitro[0]).toBe('openai/gpt-4o:nitro');
    expect(nitro).toContain('openai/gpt-4o');
    expect(nitro.indexOf('openai/gpt-4o')).toBeLessThan(nitro.indexOf('gpt-4o'));
    expect(matchCandidates('openrouter', 'meta-llama/llama-3.3-70b-instruct:free')).toEqual([
      'meta-llama/llama-3.3-70b-instruct:free',
    ]);
  });

  it('strips LiteLLM route prefixes (gemini/, vertex_ai/, together_ai/, bedrock/converse/)', () => {
    expect(matchCandidates('google', 'gemini/gemini-2.5-flash')).toContain('gemini-2.5-flash');
    expect(matchCandidates('bedrock', 'bedrock/converse/us.anthropic.claude-3-5-sonnet-20241022-v2:0')).toContain(
      'anthropic.claude-3-5-sonnet-20241022',
    );
    expect(routeProvider('together_ai/meta-llama/Llama-3-8b-chat-hf')).toBe('together_ai');
    expect(routeProvider('meta-llama/Llama-3-8b-chat-hf')).toBeNull();
  });
});
