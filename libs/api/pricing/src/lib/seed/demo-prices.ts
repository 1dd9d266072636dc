import type { NewComponent } from '../services/price-writer';
import type { ServiceTier } from '../entities';

/**
 * Built-in prices for the demo catalog's offerings (USD per 1M tokens, per item for web_search), with a little real
 * history, so the console and the cost estimate are useful offline. Public list prices; sync replaces them with live
 * data when a feed is reachable.
 */
export interface DemoPrice {
  provider: string;
  providerModelId: string;
  from: string;
  serviceTier?: ServiceTier;
  components: NewComponent[];
}

const flat = (input: string, output: string, extra: Record<string, string> = {}): NewComponent[] => [
  { unit: 'input', amount: input },
  { unit: 'output', amount: output },
  ...Object.entries(extra).map(([unit, amount]) => ({ unit, amount })),
];

const tiered = (threshold: number, base: Record<string, string>, above: Record<string, string>): NewComponent[] => [
  ...Object.entries(base).map(([unit, amount]) => ({ unit, amount })),
  ...Object.entries(above).map(([unit, amount]) => ({ unit, amount, prompt_tokens_above: threshold })),
];

const sonnet45 = tiered(
  200_000,
  { input: '3', output: '15', cache_read: '0.3', cache_write: '3.75', cache_write_1h: '6' },
  { input: '6', output: '22.5', cache_read: '0.6', cache_write: '7.5', cache_write_1h: '12' },
);
const gemini25Pro = tiered(
  200_000,
  { input: '1.25', output: '10', cache_read: '0.125' },
  { input: '2.5', output: '15', cache_read: '0.25' },
);

export const DEMO_PRICES: DemoPrice[] = [
  { provider: 'openai', providerModelId: 'gpt-4o', from: '2024-05-13', components: flat('5', '15') },
  {
    provider: 'openai',
    providerModelId: 'gpt-4o',
    from: '2024-10-02',
    components: flat('2.5', '10', { cache_read: '1.25' }),
  },
  { provider: 'openrouter', providerModelId: 'openai/gpt-4o', from: '2024-10-02', components: flat('2.5', '10') },
  {
    provider: 'openai',
    providerModelId: 'gpt-4o-mini',
    from: '2024-07-18',
    components: flat('0.15', '0.6', { cache_read: '0.075' }),
  },
  {
    provider: 'openrouter',
    providerModelId: 'openai/gpt-4o-mini',
    from: '2024-07-18',
    components: flat('0.15', '0.6', { cache_read: '0.075' }),
  },
  {
    provider: 'openai',
    providerModelId: 'o3',
    from: '2025-04-16',
    components: flat('10', '40', { cache_read: '2.5' }),
  },
  { provider: 'openai', providerModelId: 'o3', from: '2025-06-10', components: flat('2', '8', { cache_read: '0.5' }) },
  {
    provider: 'openai',
    providerModelId: 'o3',
    from: '2025-06-10',
    serviceTier: 'flex',
    components: flat('1', '4', { cache_read: '0.25' }),
  },
  { provider: 'anthropic', providerModelId: 'claude-sonnet-4-5', from: '2025-09-29', components: sonnet45 },
  {
    provider: 'openrouter',
    providerModelId: 'anthropic/claude-sonnet-4.5',
    from: '2025-09-29',
    components: flat('3', '15', { cache_read: '0.3', cache_write: '3.75', web_search: '0.01' }),
  },
  {
    provider: 'bedrock',
    providerModelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    from: '2025-09-29',
    components: flat('3', '15', { cache_read: '0.3', cache_write: '3.75' }),
  },
  {
    provider: 'anthropic',
    providerModelId: 'claude-haiku-4-5',
    from: '2025-10-15',
    components: flat('1', '5', { cache_read: '0.1', cache_write: '1.25', cache_write_1h: '2' }),
  },
  { provider: 'google', providerModelId: 'gemini-2.5-pro', from: '2025-06-17', components: gemini25Pro },
  { provider: 'openrouter', providerModelId: 'google/gemini-2.5-pro', from: '2025-06-17', components: gemini25Pro },
  {
    provider: 'google',
    providerModelId: 'gemini-2.5-flash',
    from: '2025-06-17',
    components: flat('0.3', '2.5', { cache_read: '0.03', input_audio: '1' }),
  },
  {
    provider: 'together',
    providerModelId: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
    from: '2024-07-23',
    components: flat('0.18', '0.18'),
  },
  {
    provider: 'openrouter',
    providerModelId: 'meta-llama/llama-3.1-8b-instruct',
    from: '2024-07-23',
    components: flat('0.02', '0.05'),
  },
  {
    provider: 'together',
    providerModelId: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    from: '2024-12-06',
    components: flat('0.88', '0.88'),
  },
  {
    provider: 'deepseek',
    providerModelId: 'deepseek-reasoner',
    from: '2025-01-20',
    components: [
      ...flat('0.55', '2.19', { cache_read: '0.14' }),
      // Off-peak discount, 16:30–00:30 UTC.
      ...[
        ['input', '0.135'],
        ['output', '0.55'],
        ['cache_read', '0.035'],
      ].map(([unit, amount]) => ({ unit, amount, window_start: '16:30', window_end: '00:30' })),
    ],
  },
  {
    provider: 'deepseek',
    providerModelId: 'deepseek-reasoner',
    from: '2025-09-29',
    components: flat('0.28', '0.42', { cache_read: '0.028' }),
  },
  { provider: 'together', providerModelId: 'deepseek-ai/DeepSeek-R1', from: '2025-01-21', components: flat('3', '7') },
  {
    provider: 'together',
    providerModelId: 'Qwen/Qwen2.5-7B-Instruct-Turbo',
    from: '2024-09-19',
    components: flat('0.3', '0.3'),
  },
];
