import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@mph/api-core';
import { PriceReadService, ServiceTier } from '@mph/api-pricing';
import {
  ApiFlavor,
  calculateCost,
  CostLine,
  ExtractionError,
  extractUsage,
  RateComponent,
  UnknownPriceError,
  Usage,
  UsageError,
} from '@mph/cost-engine';
import { DataSource } from 'typeorm';
import { MatchedOffering, ModelMatcherService } from './model-matcher.service';

export interface EstimateInput {
  provider: string;
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
  resolved_model: string;
  provider: string;
  provider_model_id: string;
  offering_id: string;
  price_version_id: string | null;
  price_source: string;
  at: string;
}

/** Maps the engine's errors to the API's: bad usage 400, unknown price 422, unreadable response 422. */
export function engineError(e: unknown): never {
  if (e instanceof UsageError) {
    throw DomainError.badRequest('VALIDATION_FAILED', e.message, [
      { field: `usage.${e.field ?? ''}`, problems: [e.message] },
    ]);
  }
  if (e instanceof UnknownPriceError) throw DomainError.unprocessable('PRICE_UNKNOWN', e.message, { units: e.units });
  if (e instanceof ExtractionError) throw DomainError.unprocessable('EXTRACTION_FAILED', e.message);
  throw e;
}

/** The engine as a service: match the model, find the price of the moment, compute the cost. */
@Injectable()
export class CostEstimateService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly matcher: ModelMatcherService,
    private readonly prices: PriceReadService,
  ) {}

  async estimate(input: EstimateInput): Promise<Estimate> {
    const at = input.timestamp ?? new Date();
    const match = await this.matcher.match(input.provider, input.model);
    const price = input.source ? await this.fromSource(match, input) : await this.inForce(match, input, at);
    try {
      const r = calculateCost(input.usage, price, at);
      return {
        total: r.total,
        currency: r.currency,
        breakdown: r.breakdown,
        lines: r.lines,
        tier: r.tier,
        resolved_model: match.model_id,
        provider: match.provider,
        provider_model_id: match.provider_model_id,
        offering_id: match.offering_id,
        price_version_id: price.versionId,
        price_source: price.source,
        at: at.toISOString(),
      };
    } catch (e) {
      return engineError(e);
    }
  }

  extract(provider: string | undefined, response: unknown, flavor?: ApiFlavor) {
    try {
      return extractUsage(provider, response, flavor);
    } catch (e) {
      return engineError(e);
    }
  }

  private async inForce(match: MatchedOffering, input: EstimateInput, at: Date) {
    const version = await this.prices.versionAt(match.offering_id, at, {
      serviceTier: input.serviceTier ?? 'standard',
      region: input.region ?? '',
    });
    if (!version) {
      throw DomainError.unprocessable(
        'PRICE_UNKNOWN',
        `No ${input.serviceTier ?? 'standard'} price of ${match.provider} ${match.provider_model_id} is known at ${at.toISOString()}: ` +
          'the cost is unknown, not zero.',
        { offering_id: match.offering_id },
      );
    }
    return {
      currency: version.currency,
      components: version.components as RateComponent[],
      versionId: version.id as string | null,
      source: version.source,
    };
  }

  private async fromSource(match: MatchedOffering, input: EstimateInput) {
    const [row]: { currency: string; components: RateComponent[] }[] = await this.dataSource.query(
      `SELECT o.currency, o.components FROM sync_observations o JOIN sync_sources s ON s.id = o.source_id
        WHERE s.name = $1 AND s.deleted_at IS NULL AND o.offering_id = $2 AND o.service_tier = $3 AND o.region = $4`,
      [input.source, match.offering_id, input.serviceTier ?? 'standard', input.region ?? ''],
    );
    if (!row) {
      throw DomainError.unprocessable(
        'PRICE_UNKNOWN',
        `The source "${input.source}" has not reported a price for ${match.provider} ${match.provider_model_id}.`,
      );
    }
    return {
      currency: row.currency.trim(),
      components: row.components,
      versionId: null,
      source: input.source as string,
    };
  }
}
