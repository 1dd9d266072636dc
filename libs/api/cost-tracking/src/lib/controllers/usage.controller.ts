import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptApiKeyScopes, Authenticated, CurrentUser, Principal } from '@mph/api-core';
import {
  EventsPageDto,
  EventsQueryDto,
  IngestDto,
  IngestResultDto,
  SummaryDto,
  SummaryQueryDto,
} from '../dto/usage.dto';
import { CostReportsService, Group } from '../services/cost-reports.service';
import { UsageIngestService } from '../services/usage-ingest.service';

/** Usage from other apps, and what it cost: members see their own, operators and admins everyone's. */
@ApiTags('usage')
@Authenticated()
@Controller()
export class UsageController {
  constructor(
    private readonly ingest: UsageIngestService,
    private readonly reports: CostReportsService,
  ) {}

  @Post('usage')
  @HttpCode(200)
  @AcceptApiKeyScopes('usage:write')
  @ApiOperation({
    summary: 'Record up to 1,000 usage events; each is stored once, priced at its instant, or rejected.',
  })
  @ApiOkResponse({ type: IngestResultDto })
  ingestUsage(@CurrentUser() by: Principal, @Body() body: IngestDto): Promise<IngestResultDto> {
    return this.ingest.ingest(by, body.events);
  }

  @Get('costs/summary')
  @AcceptApiKeyScopes('usage:read')
  @ApiOperation({ summary: 'Spend by day/week/month × model/provider/project/user/api_key (from the daily rollup).' })
  @ApiOkResponse({ type: SummaryDto })
  getCostSummary(@CurrentUser() by: Principal, @Query() q: SummaryQueryDto): Promise<SummaryDto> {
    return this.reports.summary(by, {
      from: q.from,
      to: q.to,
      groupBy: (q.group_by ?? 'day').split(',') as Group[],
      top: q.top,
      provider: q.provider,
      model: q.model,
      project: q.project,
    });
  }

  @Get('costs/events')
  @AcceptApiKeyScopes('usage:read')
  @ApiOperation({ summary: 'Usage events, newest first, with keyset paging (next_cursor).' })
  @ApiOkResponse({ type: EventsPageDto })
  listUsageEvents(@CurrentUser() by: Principal, @Query() q: EventsQueryDto): Promise<EventsPageDto> {
    return this.reports.events(by, { ...q, limit: q.limit ?? 100 }) as Promise<EventsPageDto>;
  }
}
