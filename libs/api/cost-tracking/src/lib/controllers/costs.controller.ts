import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { UNITS } from '@mph/cost-engine';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptApiKeyScopes, ApiListResponse, DomainError, Listed, listOf, Public, RateWeight } from '@mph/api-core';
import {
  EstimateBatchDto,
  EstimateBatchResultDto,
  EstimateDto,
  EstimateResultDto,
  ExtractDto,
  ExtractResultDto,
  UnitDto,
} from '../dto/costs.dto';
import { CostEstimateService } from '../services/cost-estimate.service';

/** The cost engine as a public service: price a usage, or read the usage (and cost) out of a provider response. */
@ApiTags('costs')
@Public()
@AcceptApiKeyScopes('catalog:read', 'usage:read', 'usage:write')
@Controller('costs')
export class CostsController {
  constructor(private readonly costs: CostEstimateService) {}

  @Get('units')
  @ApiOperation({
    summary: 'The unit registry: every usage field the API accepts, what prices it, and what it is a part of.',
  })
  @ApiListResponse(UnitDto)
  units(): Listed<UnitDto> {
    return listOf(
      UNITS.map((u) => ({
        key: u.key,
        component: u.component,
        price_key: u.priceKey,
        basis: u.perToken ? '1M tokens' : 'item',
        family: u.family,
        direction: u.direction,
        part_of: [...u.ancestors].map((i) => UNITS[i].key),
        source: u.source,
      })),
    );
  }

  @Post('estimate')
  @HttpCode(200)
  @ApiOperation({ summary: 'The cost of a usage on a provider’s model at an instant, with a per-unit breakdown.' })
  @ApiOkResponse({ type: EstimateResultDto })
  estimateCost(@Body() body: EstimateDto): Promise<EstimateResultDto> {
    return this.estimate(body);
  }

  @Post('estimate/batch')
  @HttpCode(200)
  // One request of the caller's per-minute budget per 10 items (a model page's 42 offerings cost 5).
  @RateWeight((body) => {
    const items = (body as { items?: unknown } | null)?.items;
    return Array.isArray(items) ? Math.ceil(Math.min(items.length, 100) / 10) : 1;
  })
  @ApiOperation({
    summary:
      'Up to 100 estimates in one request (every offering of a model, say): each priceable item answers alone, with ' +
      'its estimate or the error `POST /costs/estimate` would give; a malformed item refuses the whole request ' +
      '(400). Counts as one request of the rate limit per 10 items.',
  })
  @ApiOkResponse({ type: EstimateBatchResultDto })
  async estimateCosts(@Body() body: EstimateBatchDto): Promise<EstimateBatchResultDto> {
    const results: EstimateBatchResultDto['results'] = [];
    // One at a time: one request holds at most one database connection (known models are priced from memory).
    for (const [index, item] of body.items.entries()) {
      try {
        results.push({ index, estimate: await this.estimate(item), error: null });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        results.push({ index, estimate: null, error: { code: e.code, message: e.message } });
      }
    }
    return { results };
  }

  private estimate(body: EstimateDto): Promise<EstimateResultDto> {
    return this.costs.estimate({
      provider: body.provider,
      model: body.model,
      usage: body.usage,
      timestamp: body.timestamp ? new Date(body.timestamp) : undefined,
      serviceTier: body.service_tier,
      region: body.region,
      source: body.source,
    });
  }

  @Post('extract')
  @HttpCode(200)
  @ApiOperation({ summary: 'Normalized usage from a provider response or stream; its cost when the model is known.' })
  @ApiOkResponse({ type: ExtractResultDto })
  async extractUsage(@Body() body: ExtractDto): Promise<ExtractResultDto> {
    const extracted = this.costs.extract(body.provider, body.response, body.api_flavor);
    const model = body.model ?? extracted.model ?? null;
    let cost: EstimateResultDto | null = null;
    let costError: string | null = null;
    if (model) {
      try {
        cost = await this.costs.estimate({
          provider: body.provider,
          model,
          usage: extracted.usage,
          timestamp: body.timestamp ? new Date(body.timestamp) : undefined,
          source: body.source,
        });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        costError = e.message;
      }
    } else {
      costError = 'Give the model (the response does not name it) to get the cost.';
    }
    return {
      usage: extracted.usage,
      flavor: extracted.flavor,
      model,
      response_model: extracted.model ?? null,
      cost,
      cost_error: costError,
    };
  }
}
