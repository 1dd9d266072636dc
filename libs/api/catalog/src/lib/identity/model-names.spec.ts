import {
  canonicalOfferingId,
  creatorSlug,
  hfRepoId,
  inferCreator,
  modelCandidates,
  nameKey,
  newModelId,
  offeringVariant,
  splitSnapshot,
} from './model-names';

const primary = (provider: string, id: string) => {
  const c = modelCandidates(provider, id);
  return newModelId(c.list[c.primary], provider);
};
const all = (provider: string, id: string) => modelCandidates(provider, id).list.map((c) => `${c.creator}/${c.name}`);

describe('model names', () => {
  it.each([
    ['Claude-3.5-Sonnet', 'claude35sonnet'],
    ['anthropic/claude-3-5-sonnet', 'claude35sonnet'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama318binstruct'],
    ['gpt-4o', 'gpt4o'],
  ])('nameKey(%s) = %s', (id, key) => expect(nameKey(id)).toBe(key));

  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o', '2024-08-06'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet', '20241022'],
    ['claude-3-5-sonnet@20240620', 'claude-3-5-sonnet', '20240620'],
    ['gpt-4-0613', 'gpt-4', '0613'],
    ['mistral-large-2407', 'mistral-large', '2407'],
    ['command-r-08-2024', 'command-r', '08-2024'],
    ['gemini-1.5-pro-002', 'gemini-1.5-pro', '002'],
    ['o1-2024-12-17', 'o1', '2024-12-17'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet', 'latest'],
  ])('splitSnapshot(%s) → %s @ %s', (name, family, snapshot) =>
    expect(splitSnapshot(name)).toEqual({ family, snapshot }),
  );

  it.each(['llama-3.1-405b', 'gpt-4o', 'qwen3-235b-a22b', 'gpt-oss-120b', 'glm-4.5'])('%s is no snapshot', (n) =>
    expect(splitSnapshot(n)).toBeNull(),
  );

  it('maps creator namespaces to one slug', () => {
    expect(creatorSlug('meta')).toBe('meta-llama');
    expect(creatorSlug('Qwen')).toBe('qwen');
    expect(creatorSlug('zhipuai')).toBe('z-ai');
    expect(creatorSlug('deepseek-ai')).toBe('deepseek');
    expect(creatorSlug('fireworks')).toBeNull();
    expect(inferCreator('gpt-oss-120b')).toBe('openai');
    expect(inferCreator('llama-3.1-nemotron-70b-instruct')).toBe('nvidia');
    expect(inferCreator('o3-mini')).toBe('openai');
    expect(inferCreator('ollama-thing')).toBeNull();
  });

  it.each([
    ['fireworks', 'gpt-oss-120b', 'accounts/fireworks/models/gpt-oss-120b'],
    ['fireworks', 'accounts/fireworks/models/gpt-oss-120b', 'accounts/fireworks/models/gpt-oss-120b'],
    ['cloudflare', 'openai/gpt-oss-120b', '@cf/openai/gpt-oss-120b'],
    ['vertex-ai', 'vertex_ai/openai/gpt-oss-120b-maas', 'openai/gpt-oss-120b-maas'],
    ['groq', 'openai/gpt-oss-120b', 'openai/gpt-oss-120b'],
  ])('canonicalOfferingId(%s, %s) = %s', (provider, id, out) => expect(canonicalOfferingId(provider, id)).toBe(out));

  it.each([
    ['fireworks', 'accounts/fireworks/models/gpt-oss-120b', 'openai/gpt-oss-120b'],
    ['cerebras', 'gpt-oss-120b', 'openai/gpt-oss-120b'],
    ['cloudflare', '@cf/openai/gpt-oss-120b', 'openai/gpt-oss-120b'],
    ['bedrock', 'openai.gpt-oss-120b-1:0', 'openai/gpt-oss-120b'],
    ['bedrock', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'anthropic/claude-3-5-sonnet'],
    ['vertex-ai', 'openai/gpt-oss-120b-maas', 'openai/gpt-oss-120b'],
    ['databricks', 'databricks-gpt-oss-120b', 'openai/gpt-oss-120b'],
    ['openrouter', 'openai/gpt-oss-120b:free', 'openai/gpt-oss-120b'],
    ['digitalocean', 'openai-gpt-oss-120b', 'openai/gpt-oss-120b'],
    ['synthetic', 'hf:openai/gpt-oss-120b', 'openai/gpt-oss-120b'],
    ['nano-gpt', 'TEE/gpt-oss-120b', 'openai/gpt-oss-120b'],
    ['azure', 'gpt-4o-2024-08-06', 'openai/gpt-4o'],
    ['openai', 'gpt-4o', 'openai/gpt-4o'],
    ['anthropic', 'claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4-5'],
    ['vertex-ai', 'claude-3-5-sonnet@20240620', 'anthropic/claude-3-5-sonnet'],
    ['groq', 'llama-3.3-70b-versatile', 'meta-llama/llama-3.3-70b-versatile'],
    ['deepinfra', 'meta-llama/Meta-Llama-3.1-8B-Instruct', 'meta-llama/Meta-Llama-3.1-8B-Instruct'],
    ['somehost', 'my-model', 'somehost/my-model'],
    ['fireworks', 'accounts/fireworks/models/deepseek-v3p1', 'deepseek/deepseek-v3.1'],
    ['openai', '1024-x-1024/gpt-image-1.5', 'openai/gpt-image-1.5'],
    ['openai', '1024-x-1024/dall-e-2', 'openai/dall-e-2'],
    ['bedrock', '1024-x-1024/50-steps/stability.stable-diffusion-xl-v1', 'stability/stable-diffusion-xl'],
    ['fireworks', 'accounts/fireworks/models/qwen2p5-72b-instruct', 'qwen/qwen2.5-72b-instruct'],
    ['bedrock', 'claude-sonnet-4-5-20250929-v1:0', 'anthropic/claude-sonnet-4-5'],
    ['bedrock', 'amazon-nova/nova-lite-v1', 'amazon-nova/nova-lite'],
  ])('%s %s → new model %s', (provider, id, model) => expect(primary(provider, id)).toBe(model));

  it('offers fallbacks: serving variants and the Meta- prefix, only to find known models', () => {
    expect(all('nebius', 'openai/gpt-oss-120b-fast')).toEqual(['openai/gpt-oss-120b-fast', 'openai/gpt-oss-120b']);
    expect(all('together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo')).toEqual([
      'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
      'meta-llama/Meta-Llama-3.1-8B-Instruct',
      'meta-llama/Llama-3.1-8B-Instruct-Turbo',
      'meta-llama/Llama-3.1-8B-Instruct',
    ]);
    expect(modelCandidates('together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo').primary).toBe(0);
  });

  it('labels offering variants', () => {
    expect(offeringVariant('openrouter', 'openai/gpt-oss-120b:free')).toBe('free');
    expect(offeringVariant('bedrock', '1-month-commitment/anthropic.claude-instant-v1')).toBe('1-month-commitment');
    expect(offeringVariant('azure', 'low/1024-x-1024/gpt-image-1')).toBe('low 1024×1024');
    expect(offeringVariant('openai', '1024-x-1536/gpt-image-1.5')).toBe('1024×1536');
    expect(offeringVariant('bedrock', '512-x-512/max-steps/stability.stable-diffusion-xl-v0')).toBe(
      '512×512 max steps',
    );
    expect(offeringVariant('openai', 'gpt-4o')).toBeNull();
  });

  it('reads Hugging Face repo ids from URLs', () => {
    expect(hfRepoId('https://huggingface.co/openai/gpt-oss-120b')).toBe('openai/gpt-oss-120b');
    expect(hfRepoId('Qwen/Qwen3-8B')).toBe('Qwen/Qwen3-8B');
    expect(hfRepoId('https://example.com/x')).toBeNull();
    expect(hfRepoId(null)).toBeNull();
  });
});

describe('plans and qualities', () => {
  it('finds the model behind a commitment plan or an image quality', () => {
    expect(primary('bedrock', '1-month-commitment/anthropic.claude-instant-v1')).toBe('anthropic/claude-instant');
    expect(primary('azure', 'low/1024-x-1024/gpt-image-1')).toBe('openai/gpt-image-1');
  });
});
