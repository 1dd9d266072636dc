import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ModelsQueryService } from '@mph/api-catalog';
import {
  AcceptApiKeyScopes,
  CacheFor,
  CurrentUser,
  decodeCursor,
  encodeCursor,
  pageWindow,
  DomainError,
  Principal,
  Public,
} from '@mph/api-core';
import {
  ChangesQueryDto,
  FeedFreshnessDto,
  HistoriesQueryDto,
  HistoryQueryDto,
  PriceHistoriesDto,
  PriceChangesDto,
  PriceHistoryDto,
  PricePointPageDto,
  PricesQueryDto,
  RecentChangesQueryDto,
  RecentPriceChangesDto,
} from '../dto/prices-query.dto';
import { PriceReadService } from '../services/price-read.service';
import { ReconciliationService } from '../sync/reconciliation.service';

/** Where the changes feed resumes: the last change's recorded_at and version id (core's one cursor format). */
function readChangesCursor(cursor: string): { recordedAt: Date; id: string } {
  const c = decodeCursor<{ at: string; id: string }>(
    cursor,
    (p): p is { at: string; id: string } =>
      typeof p['at'] === 'string' &&
      !Number.isNaN(Date.parse(p['at'])) &&
      typeof p['id'] === 'string' &&
      /^[0-9a-f-]{36}$/.test(p['id']),
    'start again from `since`',
  );
  return { recordedAt: new Date(c.at), id: c.id };
}

/** Public price reads: point in time, history per offering, and the feed of changes. */
@ApiTags('prices')
@Public()
@CacheFor(60, 'prices')
@AcceptApiKeyScopes('catalog:read')
@Controller()
export class PricesController {
  constructor(
    private readonly prices: PriceReadService,
    private readonly models: ModelsQueryService,
    private readonly reconciliation: ReconciliationService,
  ) {}

  @Get('prices')
  @ApiOperation({ summary: 'Prices in force at an instant (default now), by provider, model and service tier.' })
  @ApiOkResponse({ type: PricePointPageDto })
  async listPrices(@Query() query: PricesQueryDto, @CurrentUser() by?: Principal): Promise<PricePointPageDto> {
    const at = query.at ? new Date(query.at) : new Date();
    const window = pageWindow(query);
    const modelId = query.model ? await this.models.resolveId(query.model) : undefined;
    const { rows, total } = await this.prices.pricesAt({
      at,
      provider: query.provider,
      modelId,
      serviceTier: query.service_tier,
      offset: window.offset,
      limit: window.limit,
      replica: !by,
    });
    return { data: rows, meta: { page: window.page, per_page: window.perPage, total }, at: at.toISOString() };
  }

  @Get('prices/changes')
  @ApiOperation({ summary: 'Price versions recorded since an instant, oldest first, each with the one it replaced.' })
  @ApiOkResponse({ type: PriceChangesDto })
  async listPriceChanges(@Query() query: ChangesQueryDto, @CurrentUser() by?: Principal): Promise<PriceChangesDto> {
    const limit = query.limit ?? 100;
    const after = query.cursor ? readChangesCursor(query.cursor) : null;
    const data = await this.prices.changes(new Date(query.since), after, limit, !by);
    const last = data[data.length - 1];
    return {
      data,
      meta: {
        next_cursor:
          data.length === limit && last ? encodeCursor({ at: last.version.recorded_at, id: last.version.id }) : null,
      },
    };
  }

  @Get('prices/recent-changes')
  @ApiOperation({
    summary: 'The latest price changes, newest first (versions that replaced an earlier price), for a front page.',
  })
  @ApiOkResponse({ type: RecentPriceChangesDto })
  async listRecentPriceChanges(
    @Query() query: RecentChangesQueryDto,
    @CurrentUser() by?: Principal,
  ): Promise<RecentPriceChangesDto> {
    return { data: await this.prices.recentChanges(query.limit ?? 10, !by) };
  }

  @Get('prices/freshness')
  @CacheFor(60, 'feeds')
  @ApiOperation({ summary: 'Every price feed and its last successful sync (stale after 48 hours without one).' })
  @ApiOkResponse({ type: FeedFreshnessDto })
  async getFeedFreshness(): Promise<FeedFreshnessDto> {
    return { data: await this.reconciliation.sources() };
  }

  @Get('prices/histories')
  @ApiOperation({ summary: 'The price histories of up to 20 offerings in one request (newest version first in each).' })
  @ApiOkResponse({ type: PriceHistoriesDto })
  async getPriceHistories(@Query() query: HistoriesQueryDto): Promise<PriceHistoriesDto> {
    const ids = [...new Set(query.offering_ids.toLowerCase().split(','))];
    const data: PriceHistoryDto[] = [];
    for (const id of ids) {
      try {
        data.push(await this.history(id, query));
      } catch (e) {
        if (!(e instanceof DomainError) || e.status !== 404) throw e;
      }
    }
    return { data };
  }

  @Get('offerings/:id/prices/history')
  @ApiOperation({ summary: 'Every price version of an offering, newest first (a step chart per component).' })
  @ApiOkResponse({ type: PriceHistoryDto })
  async getPriceHistory(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: HistoryQueryDto,
  ): Promise<PriceHistoryDto> {
    return this.history(id, query);
  }

  private async history(id: string, query: HistoryQueryDto): Promise<PriceHistoryDto> {
    const offering = await this.prices.offering(id);
    const data = await this.prices.history(id, { serviceTier: query.service_tier, region: query.region });
    return { offering_id: id, model_id: offering.model_id, offering: offering.offering, locked: offering.locked, data };
  }
}
