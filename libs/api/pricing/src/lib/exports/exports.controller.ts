import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PricesAtQueryDto } from '@mph/api-catalog';
import { AcceptApiKeyScopes, CacheFor, Public } from '@mph/api-core';
import { ExportsService } from './exports.service';

/** Current prices as drop-in files for other tools. */
@ApiTags('exports')
@Public()
@CacheFor(300, 'prices')
@AcceptApiKeyScopes('catalog:read')
@Controller('exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('litellm.json')
  @ApiOperation({ summary: 'LiteLLM’s model_prices_and_context_window.json shape (USD per token floats).' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { type: 'object' } } })
  exportLitellm(@Query() query: PricesAtQueryDto): Promise<Record<string, Record<string, unknown>>> {
    return this.exports.litellm(query.at ? new Date(query.at) : new Date());
  }

  @Get('openrouter-models.json')
  @ApiOperation({ summary: 'OpenRouter’s GET /api/v1/models shape: one entry per model, cheapest offering’s price.' })
  @ApiOkResponse({ schema: { type: 'object', properties: { data: { type: 'array', items: { type: 'object' } } } } })
  exportOpenrouter(@Query() query: PricesAtQueryDto): Promise<{ data: Record<string, unknown>[] }> {
    return this.exports.openrouter(query.at ? new Date(query.at) : new Date());
  }

  @Get('prices.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="prices.csv"')
  @ApiOperation({ summary: 'Every current price component as CSV (per 1M tokens or per item, decimal as stored).' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string' } })
  exportCsv(@Query() query: PricesAtQueryDto): Promise<string> {
    return this.exports.csv(query.at ? new Date(query.at) : new Date());
  }
}
