import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptApiKeyScopes, DomainError, Public } from '@mph/api-core';
import { EstimateDto, EstimateResultDto, ExtractDto, ExtractResultDto } from '../dto/costs.dto';
import { CostEstimateService } from '../services/cost-estimate.service';

/** The cost engine as a public service: price a usage, or read the usage (and cost) out of a provider response. */
@ApiTags('costs')
@Public()
@AcceptApiKeyScopes('catalog:read', 'usage:read', 'usage:write')
@Controller('costs')
export class CostsController {
  constructor(private readonly costs: CostEstimateService) {}

  @Post('estimate')
  @HttpCode(200)
  @ApiOperation({ summary: 'The cost of a usage on a provider’s model at an instant, with a per-unit breakdown.' })
  @ApiOkResponse({ type: EstimateResultDto })
  estimateCost(@Body() body: EstimateDto): Promise<EstimateResultDto> {
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
    if (body.provider && model) {
      try {
        cost = await this.costs.estimate({
          provider: body.provider,
          model,
          usage: extracted.usage,
          timestamp: body.timestamp ? new Date(body.timestamp) : undefined,
        });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        costError = e.message;
      }
    } else {
      costError = 'Give provider (and model, if the response does not name it) to get the cost.';
    }
    return { usage: extracted.usage, flavor: extracted.flavor, model, cost, cost_error: costError };
  }
}
