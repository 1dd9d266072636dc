import type { FeedParseResult } from './adapters/feed-record';
import { FeedFormatError } from './adapters/feed-record';
import { parseGenaiPrices } from './adapters/genai-prices.adapter';
import { parseLitellm } from './adapters/litellm.adapter';
import { parseModelsDev } from './adapters/models-dev.adapter';
import { parseOpenrouter } from './adapters/openrouter.adapter';
import type { AdapterName } from './sync-source.entity';

/** Price adapters: body → records. (huggingface feeds catalog metadata and runs through the catalog importer.) */
export const PRICE_PARSERS: Partial<Record<AdapterName, (body: Buffer) => FeedParseResult>> = {
  litellm: (b) => parseLitellm(b.toString('utf8')),
  openrouter: (b) => parseOpenrouter(b.toString('utf8')),
  'genai-prices': (b) => parseGenaiPrices(b.toString('utf8')),
  'models.dev': parseModelsDev,
};

export function parseFeed(adapter: AdapterName, body: Buffer): FeedParseResult {
  const parse = PRICE_PARSERS[adapter];
  if (!parse) throw new FeedFormatError(`The ${adapter} adapter does not read price feeds.`);
  return parse(body);
}
