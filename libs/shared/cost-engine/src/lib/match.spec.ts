import { matchCandidates } from './match';

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
