import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptApiKeyScopes, ApiListResponse, CacheFor, Listed, listOf, Public } from '@mph/api-core';
import { ModelSummaryDto } from '../dto/models.dto';
import { AuthorDto, CatalogStatsDto, TrendingQueryDto } from '../dto/stats.dto';
import { CatalogStatsService } from '../services/catalog-stats.service';
import { ModelsQueryService } from '../services/models-query.service';

@ApiTags('stats')
@Public()
@CacheFor(300, 'catalog')
@AcceptApiKeyScopes('catalog:read')
@Controller()
export class StatsController {
  constructor(
    private readonly stats: CatalogStatsService,
    private readonly models: ModelsQueryService,
  ) {}

  @Get('stats')
  @ApiOperation({ summary: 'Catalog totals and counts by pipeline tag, library, license and lineage relation.' })
  @ApiOkResponse({ type: CatalogStatsDto })
  getCatalogStats(): Promise<CatalogStatsDto> {
    return this.stats.stats();
  }

  @Get('trending')
  @ApiOperation({ summary: 'Models by trending score (growth in likes and downloads over 7 days; see README).' })
  @ApiListResponse(ModelSummaryDto)
  async listTrending(@Query() query: TrendingQueryDto): Promise<Listed<ModelSummaryDto>> {
    const { rows } = await this.models.search(
      { sort: 'trending', pipeline_tag: query.pipeline_tag },
      { page: 1, perPage: query.limit ?? 20, offset: 0, limit: query.limit ?? 20 },
    );
    return listOf(await rows);
  }

  @Get('authors/:author')
  @ApiOperation({
    summary: 'An author (Hub organisation or user): model count, total downloads and likes, top models.',
  })
  @ApiOkResponse({ type: AuthorDto })
  getAuthor(@Param('author') author: string): Promise<AuthorDto> {
    return this.stats.author(author);
  }
}
