import type { AdapterName } from './sync-source.entity';

/**
 * The public feeds a new install registers (SYNC_DEFAULT_SOURCES): daily, staggered so they do not all start at
 * once. Without a network their runs fail with the reason and the built-in demo prices stay in place.
 */
export const DEFAULT_SOURCES: { name: string; adapter: AdapterName; url: string; schedule: string }[] = [
  {
    name: 'litellm',
    adapter: 'litellm',
    url: 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
    schedule: '0 4 * * *',
  },
  { name: 'openrouter', adapter: 'openrouter', url: 'https://openrouter.ai/api/v1/models', schedule: '10 4 * * *' },
  { name: 'models.dev', adapter: 'models.dev', url: 'https://models.dev/api.json', schedule: '20 4 * * *' },
  {
    name: 'genai-prices',
    adapter: 'genai-prices',
    url: 'https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json',
    schedule: '30 4 * * *',
  },
  {
    name: 'huggingface',
    adapter: 'huggingface',
    url: 'https://huggingface.co/api/models?full=true&cardData=true&sort=downloads&direction=-1&limit=1000',
    schedule: '40 4 * * *',
  },
];
