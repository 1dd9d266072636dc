import { Inject, Injectable, Optional } from '@nestjs/common';
import { MODEL_PRICES, ModelPricesReader, ModelsQueryService, OfferingPriceDto } from '@mph/api-catalog';
import { DomainError, pageWindow } from '@mph/api-core';
import { CostEstimateService } from '@mph/api-cost-tracking';
import { PriceReadService, PricingReadModel } from '@mph/api-pricing';
import { ProvenanceService } from '@mph/api-provenance';
import { Dec, type Usage } from '@mph/cost-engine';

/** The catalog filters an agent can use (a subset of GET /api/v1/models with the same meaning). */
export interface SearchArgs {
  query?: string;
  author?: string;
  provider?: string;
  pipeline_tag?: string;
  license?: string;
  tool_calling?: boolean;
  reasoning?: boolean;
  vision?: boolean;
  open_weights?: boolean;
  min_context?: number;
  max_input_price?: string;
  max_output_price?: string;
  base_model?: string;
  limit?: number;
}

export interface TokenMix {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens?: number;
}

/** One offering priced for a usage, as the estimate and cheapest-offering tools list them. */
export interface PricedOffering {
  model_id: string;
  offering_id: string;
  provider: string;
  provider_model_id: string;
  context_window: number | null;
  total: string;
  currency: string;
  breakdown: Record<string, string>;
}

/**
 * What the MCP tools answer, from the same services the REST API uses (so the answers match): the catalog search and
 * model detail, prices in force and history, the cost engine, and the lineage DAG.
 */
@Injectable()
export class McpToolsService {
  constructor(
    private readonly models: ModelsQueryService,
    private readonly provenance: ProvenanceService,
    private readonly costs: CostEstimateService,
    private readonly pricing: PricingReadModel,
    private readonly priceReads: PriceReadService,
    @Optional() @Inject(MODEL_PRICES) private readonly prices?: ModelPricesReader,
  ) {}

  async searchModels(args: SearchArgs) {
    const query = {
      q: args.query,
      author: args.author,
      provider: args.provider,
      pipeline_tag: args.pipeline_tag,
      license: args.license,
      tool_calling: args.tool_calling,
      reasoning: args.reasoning,
      vision: args.vision,
      open_weights: args.open_weights,
      min_context: args.min_context,
      max_input_price: args.max_input_price,
      max_output_price: args.max_output_price,
      base_model: args.base_model,
      per_page: args.limit ?? 10,
    };
    const window = pageWindow(query);
    const { rows, total } = await this.models.search(query as never, window);
    return {
      total,
      models: rows.map((m) => ({
        id: m.id,
        name: m.display_name,
        author: m.author,
        pipeline_tag: m.pipeline_tag,
        context_window: m.context_window,
        open_weights: m.open_weights,
        license: m.license,
      })),
    };
  }

  async getModel(id: string) {
    const detail = await this.models.detail(id);
    const prices = await this.pricesOf(detail.id);
    const ancestry = await this.models.ancestry(detail.id);
    return {
      id: detail.id,
      name: detail.display_name,
      author: detail.author,
      description: detail.description,
      capabilities: {
        context_window: detail.context_window,
        max_output: detail.max_output,
        input_modalities: detail.input_modalities,
        output_modalities: detail.output_modalities,
        tool_calling: detail.tool_calling,
        structured_output: detail.structured_output,
        reasoning: detail.reasoning,
        vision: detail.vision,
        open_weights: detail.open_weights,
      },
      license: detail.license,
      offerings: prices.map(offeringLine),
      lineage: {
        bases: detail.base_models,
        ancestors: [...new Set(ancestry.map((e) => e.base_model_id))],
        derivative_counts: detail.derivative_counts,
      },
    };
  }

  async getPrices(args: { model?: string; offering_id?: string; at?: string; history?: boolean }) {
    if (!!args.model === !!args.offering_id) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'Give either model or offering_id (not both).');
    }
    const at = args.at ? new Date(args.at) : new Date();
    if (Number.isNaN(at.getTime()))
      throw DomainError.badRequest('VALIDATION_FAILED', '`at` must be an ISO 8601 instant.');
    if (args.offering_id) {
      const history = await this.priceReads.history(args.offering_id);
      const inForce = history.filter(
        (v) => new Date(v.effective_from) <= at && (!v.effective_to || new Date(v.effective_to) > at),
      );
      return {
        offering_id: args.offering_id,
        at: at.toISOString(),
        in_force: inForce,
        ...(args.history ? { history } : {}),
      };
    }
    const modelId = await this.models.resolveId(args.model as string);
    const prices = await this.pricesOf(modelId, at);
    const out: Record<string, unknown> = { model_id: modelId, at: at.toISOString(), offerings: prices };
    if (args.history) {
      out['history'] = Object.fromEntries(
        await Promise.all(prices.map(async (p) => [p.offering.id, await this.priceReads.history(p.offering.id)])),
      );
    }
    return out;
  }

  /**
   * The cost of a usage on every live offering of a model, cheapest first. The usage is given as token counts, or
   * read from a pasted provider response (then `provider` says whose shape it is).
   */
  async estimateCost(args: {
    model: string;
    input_tokens?: number;
    output_tokens?: number;
    cache_read_tokens?: number;
    response?: unknown;
    provider?: string;
  }) {
    let usage: Usage;
    if (args.response !== undefined) {
      usage = this.costs.extract(args.provider, args.response).usage;
    } else if (args.input_tokens !== undefined || args.output_tokens !== undefined) {
      usage = {
        input_tokens: args.input_tokens ?? 0,
        output_tokens: args.output_tokens ?? 0,
        ...(args.cache_read_tokens ? { cache_read_tokens: args.cache_read_tokens } : {}),
      };
    } else {
      throw DomainError.badRequest(
        'VALIDATION_FAILED',
        'Give token counts (input_tokens, output_tokens) or a response.',
      );
    }
    const modelId = await this.models.resolveId(args.model);
    const { priced, unpriced } = await this.priceModel(modelId, usage);
    return { model_id: modelId, usage, offerings: priced, unpriced };
  }

  async compareModels(ids: string[]) {
    const unique = [...new Set(ids)];
    if (unique.length < 2 || unique.length > 6) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'Name 2 to 6 different models.');
    }
    return { models: await Promise.all(unique.map((id) => this.getModel(id))) };
  }

  async modelLineage(args: { model: string; direction?: 'ancestors' | 'derivatives' | 'both'; depth?: number }) {
    const modelId = await this.models.resolveId(args.model);
    const direction = args.direction ?? 'both';
    const out: Record<string, unknown> = { model_id: modelId };
    if (direction !== 'derivatives') {
      const edges = await this.models.ancestry(modelId);
      const children = new Set(edges.map((e) => e.model_id));
      out['ancestors'] = edges.map((e) => ({
        model_id: e.model_id,
        base_model_id: e.base_model_id,
        relation: e.relation,
      }));
      out['roots'] = [...new Set(edges.map((e) => e.base_model_id))].filter((b) => !children.has(b)).sort();
    }
    if (direction !== 'ancestors') {
      const { rows, total } = await this.provenance.derivatives(modelId, {
        depth: args.depth ?? 1,
        offset: 0,
        limit: 50,
      });
      out['derivatives'] = rows.map((r) => ({
        model_id: r.model_id,
        base_model_id: r.base_model_id,
        relation: r.relation,
        depth: r.depth,
      }));
      out['derivatives_total'] = total;
    }
    return out;
  }

  /**
   * The cheapest way to run a token mix: every live offering of the model (and, when asked, of its finetunes,
   * quantizations, adapters and merges), filtered by constraints, priced for the mix, cheapest first.
   */
  async cheapestOffering(args: {
    model: string;
    input_tokens: number;
    output_tokens: number;
    include_derivatives?: boolean;
    min_context?: number;
    tool_calling?: boolean;
    limit?: number;
  }) {
    const modelId = await this.models.resolveId(args.model);
    const candidates = [modelId];
    if (args.include_derivatives) {
      const { rows } = await this.provenance.derivatives(modelId, { depth: 3, offset: 0, limit: 200 });
      candidates.push(...new Set(rows.map((r) => r.model_id)));
    }
    const usage: Usage = { input_tokens: args.input_tokens, output_tokens: args.output_tokens };
    const all: PricedOffering[] = [];
    let considered = 0;
    for (const id of candidates) {
      if (args.tool_calling) {
        const detail = await this.models.detail(id);
        if (detail.tool_calling !== true) continue;
      }
      const { priced } = await this.priceModel(id, usage);
      considered += priced.length;
      all.push(...priced.filter((o) => !args.min_context || (o.context_window ?? 0) >= args.min_context));
    }
    all.sort(byTotal);
    return {
      model_id: modelId,
      usage,
      models_considered: candidates.length,
      offerings_priced: considered,
      cheapest: all[0] ?? null,
      offerings: all.slice(0, args.limit ?? 10),
    };
  }

  /** A model card for the model://{id} resource: the get_model answer as Markdown-friendly JSON. */
  modelCard(id: string) {
    return this.getModel(id);
  }

  private async pricesOf(modelId: string, at = new Date()): Promise<OfferingPriceDto[]> {
    if (!this.prices) throw DomainError.notFound('PRICING_DISABLED', 'Prices are not served by this instance.');
    return this.prices.pricesOfModel(modelId, at);
  }

  private async priceModel(modelId: string, usage: Usage) {
    const priced: PricedOffering[] = [];
    const unpriced: { offering_id: string; provider: string; reason: string }[] = [];
    for (const p of await this.pricesOf(modelId)) {
      const o = p.offering;
      try {
        // Priced as the offering itself (not re-matched from its spelling, which another offering could share).
        const { cost: e } = await this.pricing.quote({ offeringId: o.id, usage });
        priced.push({
          model_id: modelId,
          offering_id: o.id,
          provider: o.provider,
          provider_model_id: o.provider_model_id,
          context_window: o.context_window,
          total: e.total,
          currency: e.currency,
          breakdown: e.breakdown,
        });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        unpriced.push({ offering_id: o.id, provider: o.provider, reason: error.message });
      }
    }
    priced.sort(byTotal);
    return { priced, unpriced };
  }
}

/** Cheapest first, compared as decimals (never floats); ties by provider. */
function byTotal(a: PricedOffering, b: PricedOffering): number {
  return new Dec(a.total).comparedTo(b.total) || a.provider.localeCompare(b.provider);
}

function offeringLine(p: OfferingPriceDto) {
  return {
    offering_id: p.offering.id,
    provider: p.offering.provider,
    provider_model_id: p.offering.provider_model_id,
    context_window: p.offering.context_window,
    currency: p.price?.currency ?? null,
    price_per_1m: p.price
      ? Object.fromEntries(
          p.price.components
            .filter((c) => c.per === '1M tokens' && !c.prompt_tokens_above && !c.window_start)
            .map((c) => [c.unit, c.amount]),
        )
      : null,
    input_plus_output: p.input_plus_output,
  };
}
