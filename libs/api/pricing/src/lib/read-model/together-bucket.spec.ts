import { togetherBucket } from './pricing-read-model';

describe('togetherBucket: LiteLLM prices Together models it does not list by parameter count', () => {
  it.each([
    ['meta-llama/Llama-3-8b-chat-hf', 'together-ai-4.1b-8b'],
    ['Qwen/Qwen2.5-3B-Instruct', 'together-ai-up-to-4b'],
    ['google/gemma-2-9b-it', 'together-ai-8.1b-21b'],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'together-ai-41.1b-80b'],
    ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together-ai-41.1b-80b'],
    ['Qwen/Qwen1.5-110B-Chat', 'together-ai-81.1b-110b'],
  ])('%s → %s', (model, bucket) => {
    expect(togetherBucket(model)).toBe(bucket);
  });

  it('has no bucket for models without a size, or larger than the largest bucket', () => {
    expect(togetherBucket('deepseek-ai/DeepSeek-V3')).toBeNull();
    expect(togetherBucket('meta-llama/Llama-3.1-405B-Instruct-Turbo')).toBeNull();
  });
});
