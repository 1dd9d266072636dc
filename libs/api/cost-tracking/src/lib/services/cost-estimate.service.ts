import { Injectable } from '@nestjs/common';
import { engineError, MatchReason, PricingReadModel, ServiceTier } from '@mph/api-pricing';
import { ApiFlavor, CostLine, extractUsage, Usage } from '@mph/cost-engine';

/** What the estimate says when the usage followed units.yml (totals include their parts). */
export const STANDARD_CONVENTION = 'units.yml';

export interface EstimateInput {
  provider?: string;
  model: string;
  usage: Usage;
  timestamp?: Date;
  serviceTier?: ServiceTier;
  region?: string;
  /** Price with this sync source's latest report instead of the prices in force. */
  source?: string;
}

export interface Estimate {
  total: string;
  currency: string;
  breakdown: Record<string, string>;
  lines: CostLine[];
  tier: number;
  input_cost: string;
  output_cost: string;
  convention: string;
  conventions: string[];
  usage: Usage;
  resolved_model: string;
  provider: string;
  provider_model_id: string;
  offering_id: string;
  matched: MatchReason;
  price_version_id: string | null;
  price_source: string;
  price_effective_from: string | null;
  price_effective_to: string | null;
  at: string;
}

/** The estimate and extract routes: the pricing read model's quote, shaped for the API. */
@Injectable()
export class CostEstimateService {
  constructor(private readonly pricing: PricingReadModel) {}

  async estimate(input: EstimateInput): Promise<Estimate> {
    const q = await this.pricing.quote({
      provider: input.provider,
      model: input.model,
      usage: input.usage,
      at: input.timestamp,
      conditions: { serviceTier: input.serviceTier, region: input.region, source: input.source },
    });
    return {
      total: q.cost.total,
      currency: q.cost.currency,
      breakdown: q.cost.breakdown,
      lines: q.cost.lines,
      tier: q.cost.tier,
      input_cost: q.cost.input,
      output_cost: q.cost.output,
      convention: q.cost.conventions.length ? q.cost.conventions.join('; ') : STANDARD_CONVENTION,
      conventions: q.cost.conventions,
      usage: q.cost.usage,
      resolved_model: q.match.model_id,
      provider: q.match.provider,
      provider_model_id: q.match.provider_model_id,
      offering_id: q.match.offering_id,
      matched: q.match.reason,
      price_version_id: q.price.version?.id ?? null,
      price_source: q.price.source,
      price_effective_from: q.price.effective_from,
      price_effective_to: q.price.effective_to,
      at: q.at.toISOString(),
    };
  }

  extract(provider: string | undefined, response: unknown, flavor?: ApiFlavor) {
    try {
      return extractUsage(provider, response, flavor);
    } catch (e) {
      return engineError(e);
    }
  }
}
