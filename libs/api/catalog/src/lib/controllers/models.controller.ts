import { Controller, Get, Inject, Optional, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  AcceptApiKeyScopes,
  ApiListResponse,
  ApiPaginatedResponse,
  CacheFor,
  CurrentUser,
  DomainError,
  Listed,
  listOf,
  pageWindow,
  Paginated,
  paginated,
  Principal,
  Public,
} from '@mph/api-core';
import { ProvenanceService } from '@mph/api-provenance';
import { CompareQueryDto } from '../dto/stats.dto';
import {
  AncestryDto,
  DerivativeDto,
  DerivativesQueryDto,
  ModelDetailDto,
  ModelIdParams,
  ModelPageDto,
  ModelsQueryDto,
} from '../dto/models.dto';
import { MODEL_PRICES, ModelPricesDto, ModelPricesReader, PricesAtQueryDto } from '../dto/prices.dto';
import { ModelsQueryService } from '../services/models-query.service';

const SEGMENT = /^[\w.-]{1,200}$/;

/**
 * The public catalog. Model ids contain a slash (`owner/name`): use the two-segment routes, or one segment with the
 * slash encoded as %2F (also for the few single-segment ids). Route order matters: `x/ancestry` must not be read as
 * the model `x/ancestry`.
 */
@ApiTags('models')
@Public()
@CacheFor(60, 'catalog')
@AcceptApiKeyScopes('catalog:read')
@Controller('models')
export class ModelsController {
  constructor(
    private readonly models: ModelsQueryService,
    private readonly provenance: ProvenanceService,
    @Optional() @Inject(MODEL_PRICES) private readonly prices?: ModelPricesReader,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Search and filter models.' })
  @ApiOkResponse({ type: ModelPageDto })
  async listModels(
    @Query() query: ModelsQueryDto,
    @Res({ passthrough: true }) res: Response,
    @CurrentUser() by?: Principal,
  ): Promise<ModelPageDto> {
    const window = pageWindow(query);
    const { rows, total, estimated, nextCursor, engine, ms, indexMs } = await this.models.search(query, window, !by);
    // How long the search engine took (index or SQL, and the page's rows and prices), without HTTP: the raw time of
    // npm run bench:search:distinct.
    const parts = [`search;dur=${ms.toFixed(2)};desc="${engine}"`];
    if (indexMs !== undefined) parts.push(`index;dur=${indexMs.toFixed(2)}`);
    res.setHeader('Server-Timing', parts.join(', '));
    return {
      data: rows,
      meta: { page: window.page, per_page: window.perPage, total, total_estimated: estimated, next_cursor: nextCursor },
    };
  }

  @Get('compare')
  @ApiOperation({ summary: 'Two to six models side by side: capabilities, offerings, lineage.' })
  @ApiListResponse(ModelDetailDto)
  async compareModels(@Query() query: CompareQueryDto): Promise<Listed<ModelDetailDto>> {
    const ids = [
      ...new Set(
        query.ids
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    if (ids.length < 2 || ids.length > 6) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'ids must name 2 to 6 different models.', [
        { field: 'ids', problems: ['2 to 6 model ids'] },
      ]);
    }
    return listOf(await Promise.all(ids.map((id) => this.models.detail(checkId(id)))));
  }

  @Get(':owner/:name/ancestry')
  @ApiOperation({ summary: 'Every ancestor up to the roots, as DAG edges with relations.' })
  @ApiOkResponse({ type: AncestryDto })
  getModelAncestry(@Param() p: ModelIdParams): Promise<AncestryDto> {
    return this.ancestry(`${p.owner}/${p.name}`);
  }

  @Get(':owner/:name/derivatives')
  @ApiOperation({ summary: 'Models derived from this one, by relation, with their descendant counts.' })
  @ApiPaginatedResponse(DerivativeDto)
  listModelDerivatives(
    @Param() p: ModelIdParams,
    @Query() query: DerivativesQueryDto,
  ): Promise<Paginated<DerivativeDto>> {
    return this.derivatives(`${p.owner}/${p.name}`, query);
  }

  @Get(':owner/:name/prices')
  @CacheFor(60, 'prices')
  @ApiOperation({
    summary: 'Every live offering of the model with its price in force (now or at `at`), cheapest first.',
  })
  @ApiOkResponse({ type: ModelPricesDto })
  getModelPrices(@Param() p: ModelIdParams, @Query() query: PricesAtQueryDto): Promise<ModelPricesDto> {
    return this.modelPrices(`${p.owner}/${p.name}`, query);
  }

  @Get(':id/ancestry')
  @ApiParam({
    name: 'id',
    description: 'Model id with the slash encoded (meta-llama%2FLlama-3.1-8B) or a single-segment id.',
  })
  @ApiOkResponse({ type: AncestryDto })
  getModelAncestryById(@Param('id') id: string): Promise<AncestryDto> {
    return this.ancestry(checkId(id));
  }

  @Get(':id/derivatives')
  @ApiParam({ name: 'id', description: 'Model id with the slash encoded, or a single-segment id.' })
  @ApiPaginatedResponse(DerivativeDto)
  listModelDerivativesById(
    @Param('id') id: string,
    @Query() query: DerivativesQueryDto,
  ): Promise<Paginated<DerivativeDto>> {
    return this.derivatives(checkId(id), query);
  }

  @Get(':id/prices')
  @CacheFor(60, 'prices')
  @ApiParam({ name: 'id', description: 'Model id with the slash encoded, or a single-segment id.' })
  @ApiOkResponse({ type: ModelPricesDto })
  getModelPricesById(@Param('id') id: string, @Query() query: PricesAtQueryDto): Promise<ModelPricesDto> {
    return this.modelPrices(checkId(id), query);
  }

  @Get(':owner/:name')
  @ApiOperation({
    summary: 'A model: capabilities, Hub metadata, offerings, bases, derivative counts, datasets, files.',
  })
  @ApiOkResponse({ type: ModelDetailDto })
  getModel(@Param() p: ModelIdParams): Promise<ModelDetailDto> {
    return this.models.detail(`${p.owner}/${p.name}`);
  }

  @Get(':id')
  @ApiParam({ name: 'id', description: 'Model id with the slash encoded, or a single-segment id.' })
  @ApiOkResponse({ type: ModelDetailDto })
  getModelById(@Param('id') id: string): Promise<ModelDetailDto> {
    return this.models.detail(checkId(id));
  }

  private async ancestry(id: string): Promise<AncestryDto> {
    const modelId = await this.models.resolveId(id);
    const edges = await this.models.ancestry(modelId);
    const children = new Set(edges.map((e) => e.model_id));
    const roots = [...new Set(edges.map((e) => e.base_model_id))].filter((b) => !children.has(b)).sort();
    return { model_id: modelId, edges, roots };
  }

  private async modelPrices(id: string, query: PricesAtQueryDto): Promise<ModelPricesDto> {
    const modelId = await this.models.resolveId(id);
    if (!this.prices) throw DomainError.notFound('PRICING_DISABLED', 'Prices are not served by this instance.');
    const at = query.at ? new Date(query.at) : new Date();
    return { model_id: modelId, at: at.toISOString(), data: await this.prices.pricesOfModel(modelId, at) };
  }

  private async derivatives(id: string, query: DerivativesQueryDto): Promise<Paginated<DerivativeDto>> {
    const modelId = await this.models.resolveId(id);
    const window = pageWindow(query);
    const { rows, total } = await this.provenance.derivatives(modelId, {
      depth: query.depth ?? 1,
      relation: query.relation,
      offset: window.offset,
      limit: window.limit,
    });
    return paginated(rows, total, window);
  }
}

function checkId(id: string): string {
  const parts = id.split('/');
  if (parts.length > 2 || !parts.every((s) => SEGMENT.test(s))) {
    throw DomainError.badRequest('VALIDATION_FAILED', `"${id.slice(0, 100)}" is not a model id (owner/name).`, [
      { field: 'id', problems: ['must be owner/name'] },
    ]);
  }
  return id;
}
