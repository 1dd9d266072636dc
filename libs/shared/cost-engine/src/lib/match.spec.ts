import { matchCandidates, matchesClause } from './match';

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
});
