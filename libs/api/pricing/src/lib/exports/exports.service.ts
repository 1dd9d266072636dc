import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OfferingDirectoryService, PriceVersionDto } from '@mph/api-catalog';
import { query } from '@mph/api-core';
import { DataSource } from 'typeorm';
import { Money } from '../decimal';
import { basisOf } from '../price-units';
import { VERSION_SQL, VersionRow, versionDto } from '../services/price-read.service';

export interface CurrentPriceRow {
  model_id: string;
  model_name: string;
  input_modalities: string[];
  output_modalities: string[];
  model_context: number | null;
  provider: string;
  provider_model_id: string;
  context_window: number | null;
  max_output: number | null;
  version: PriceVersionDto;
}

/** Our vendor slug → LiteLLM's `litellm_provider` (the reverse of the adapter's aliases). */
const LITELLM_PROVIDER: Record<string, string> = {
  google: 'gemini',
  together: 'together_ai',
  'vertex-ai': 'vertex_ai',
  mistralai: 'mistral',
  fireworks: 'fireworks_ai',
  'azure-ai': 'azure_ai',
};

/** Our unit → LiteLLM field (per token for token units). */
const LITELLM_FIELDS: Record<string, string> = {
  input: 'input_cost_per_token',
  output: 'output_cost_per_token',
  cache_read: 'cache_read_input_token_cost',
  cache_write: 'cache_creation_input_token_cost',
  cache_write_1h: 'cache_creation_input_token_cost_above_1hr',
  reasoning: 'output_cost_per_reasoning_token',
  input_audio: 'input_cost_per_audio_token',
  output_audio: 'output_cost_per_audio_token',
  cache_read_audio: 'cache_read_input_audio_token_cost',
  input_image_tokens: 'input_cost_per_image_token',
  output_image_tokens: 'output_cost_per_image_token',
  image_input: 'input_cost_per_image',
  image_output: 'output_cost_per_image',
  request: 'input_cost_per_request',
};

const TIER_SUFFIX: Record<string, string> = { standard: '', batch: '_batches', flex: '_flex', priority: '_priority' };

/** OpenRouter pricing field ← our unit (strings per token for token units). */
const OPENROUTER_FIELDS: Record<string, string> = {
  input: 'prompt',
  output: 'completion',
  cache_read: 'input_cache_read',
  cache_write: 'input_cache_write',
  reasoning: 'internal_reasoning',
  input_audio: 'audio',
  request: 'request',
  web_search: 'web_search',
};

const perToken = (amount: string, unit: string) =>
  basisOf(unit) === '1M tokens' ? new Money(amount).div(1_000_000) : new Money(amount);

/**
 * Current prices in other tools' formats, so they can use us as a drop-in source: LiteLLM's cost map, OpenRouter's
 * models list, and a flat CSV. Time-of-day windows have no equivalent in the first two and are left out there.
 */
@Injectable()
export class ExportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: OfferingDirectoryService,
  ) {}

  /** Every version in force at `at` on a live offering of a live model, by provider, id, tier and region. */
  async current(at: Date): Promise<CurrentPriceRow[]> {
    const versions = await query<VersionRow>(
      this.dataSource,
      `SELECT ${VERSION_SQL} FROM price_versions v
        WHERE v.effective_from <= $1 AND (v.effective_to IS NULL OR v.effective_to > $1)`,
      [at],
    );
    const offerings = await this.catalog.byIds(versions.map((v) => v.offering_id));
    const models = await this.catalog.models([...offerings.values()].map((o) => o.model_id));
    const rows: CurrentPriceRow[] = [];
    for (const v of versions) {
      const o = offerings.get(v.offering_id);
      const m = o ? models.get(o.model_id) : undefined;
      if (!o || !m) continue;
      rows.push({
        model_id: m.id,
        model_name: m.display_name,
        input_modalities: m.input_modalities,
        output_modalities: m.output_modalities,
        model_context: m.context_window,
        provider: o.provider,
        provider_model_id: o.provider_model_id,
        context_window: o.context_window,
        max_output: o.max_output,
        version: versionDto(v),
      });
    }
    const key = (r: CurrentPriceRow) => [r.provider, r.provider_model_id, r.version.service_tier, r.version.region];
    return rows.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
      return 0;
    });
  }

  /** LiteLLM's `model_prices_and_context_window.json`: per-token floats, tiers as `_above_<n>k_tokens`, tiers by suffix. */
  async litellm(at: Date): Promise<Record<string, Record<string, unknown>>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const r of await this.current(at)) {
      const litellmProvider = LITELLM_PROVIDER[r.provider] ?? r.provider;
      const bare = r.provider === 'openai' || r.provider === 'anthropic';
      const region = r.version.region ? `${r.version.region}/` : '';
      const key = bare && !region ? r.provider_model_id : `${litellmProvider}/${region}${r.provider_model_id}`;
      const entry = (out[key] ??= {
        litellm_provider: litellmProvider,
        mode: 'chat',
        ...((r.context_window ?? r.model_context) ? { max_input_tokens: r.context_window ?? r.model_context } : {}),
        ...(r.max_output ? { max_output_tokens: r.max_output } : {}),
      });
      const suffix = TIER_SUFFIX[r.version.service_tier] ?? '';
      for (const c of r.version.components) {
        if (c.window_start) continue;
        if (c.unit === 'web_search' && !suffix && !c.prompt_tokens_above) {
          const v = new Money(c.amount).toNumber();
          entry['search_context_cost_per_query'] = {
            search_context_size_low: v,
            search_context_size_medium: v,
            search_context_size_high: v,
          };
          continue;
        }
        const field = LITELLM_FIELDS[c.unit];
        if (!field) continue;
        if (c.prompt_tokens_above && c.prompt_tokens_above % 1000 !== 0) continue;
        const tier = c.prompt_tokens_above ? `_above_${c.prompt_tokens_above / 1000}k_tokens` : '';
        entry[`${field}${tier}${suffix}`] = perToken(c.amount, c.unit).toNumber();
      }
    }
    return out;
  }

  /** OpenRouter's `GET /api/v1/models` shape: one entry per model, priced by its cheapest current offering. */
  async openrouter(at: Date): Promise<{ data: Record<string, unknown>[] }> {
    const byModel = new Map<string, { row: CurrentPriceRow; key: Money }>();
    for (const r of await this.current(at)) {
      if (r.version.service_tier !== 'standard' || r.version.region) continue;
      const base = (u: string) =>
        r.version.components.find((c) => c.unit === u && !c.prompt_tokens_above && !c.window_start);
      const input = base('input');
      const output = base('output');
      if (!input || !output) continue;
      const key = new Money(input.amount).plus(output.amount);
      const best = byModel.get(r.model_id);
      if (!best || key.lt(best.key)) byModel.set(r.model_id, { row: r, key });
    }
    const data = [...byModel.values()]
      .sort((a, b) => a.row.model_id.localeCompare(b.row.model_id))
      .map(({ row }) => {
        const pricing: Record<string, string> = {};
        for (const c of row.version.components) {
          const field = OPENROUTER_FIELDS[c.unit];
          if (!field || c.prompt_tokens_above || c.window_start) continue;
          pricing[field] = perToken(c.amount, c.unit).toFixed();
        }
        const context = row.context_window ?? row.model_context;
        return {
          id: row.model_id,
          name: row.model_name,
          context_length: context,
          architecture: {
            input_modalities: row.input_modalities.length ? row.input_modalities : ['text'],
            output_modalities: row.output_modalities.length ? row.output_modalities : ['text'],
          },
          pricing,
          top_provider: { provider: row.provider, context_length: context, max_completion_tokens: row.max_output },
        };
      });
    return { data };
  }

  /** One row per component of every current price, per 1M tokens or per item, exactly as stored. */
  async csv(at: Date): Promise<string> {
    const header = [
      'model_id',
      'provider',
      'provider_model_id',
      'service_tier',
      'region',
      'currency',
      'unit',
      'per',
      'amount',
      'prompt_tokens_above',
      'window_start',
      'window_end',
      'effective_from',
      'source',
    ];
    const lines = [header.join(',')];
    for (const r of await this.current(at)) {
      for (const c of r.version.components) {
        lines.push(
          [
            r.model_id,
            r.provider,
            r.provider_model_id,
            r.version.service_tier,
            r.version.region,
            r.version.currency,
            c.unit,
            c.per,
            c.amount,
            String(c.prompt_tokens_above),
            c.window_start ?? '',
            c.window_end ?? '',
            r.version.effective_from,
            r.version.source,
          ]
            .map(csvField)
            .join(','),
        );
      }
    }
    return `${lines.join('\r\n')}\r\n`;
  }
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not run it as a formula. */
export function csvField(value: string): string {
  // Only a whole plain number may start with "-": "-2+3+cmd|' /C calc'!A0" starts with a digit too, and is a formula.
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
