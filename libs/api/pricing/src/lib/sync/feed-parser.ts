import type { FeedParseResult } from './adapters/feed-record';
import { FeedFormatError } from './adapters/feed-record';
import { parseGenaiPrices } from './adapters/genai-prices.adapter';
import { parseLitellm } from './adapters/litellm.adapter';
import { parseModelsDev } from './adapters/models-dev.adapter';
import { parseOpenrouter } from './adapters/openrouter.adapter';
import type { AdapterName, IdRules } from './sync-source.entity';

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

/**
 * A source's id-mapping rules, applied after the adapter: prefixes stripped from the feed's model ids, providers
 * renamed (keys are providers as the adapter names them), and offerings pointed at a catalog model
 * (`provider|provider_model_id` → model id).
 */
export function applyIdRules(feed: FeedParseResult, rules: IdRules): FeedParseResult {
  const prefixes = rules.strip_prefixes ?? [];
  const providers = rules.providers ?? {};
  const models = rules.models ?? {};
  if (!prefixes.length && !Object.keys(providers).length && !Object.keys(models).length) return feed;
  return {
    ...feed,
    records: feed.records.map((r) => {
      let id = r.providerModelId;
      for (const prefix of prefixes) {
        if (prefix && id.startsWith(prefix) && id.length > prefix.length) {
          id = id.slice(prefix.length);
          break;
        }
      }
      const provider = providers[r.provider] ?? r.provider;
      const hint = models[`${provider}|${id}`];
      return { ...r, provider, providerModelId: id, modelHint: hint ?? r.modelHint };
    }),
  };
}
