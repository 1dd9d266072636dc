import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  MessageEvent,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Res,
  Sse,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { StreamTicketAuth, StreamTicketsService } from '@mph/api-auth';
import { ApiListResponse, CurrentUser, Listed, listOf, pageWindow, Principal, Roles } from '@mph/api-core';
import type { Response } from 'express';
import { distinctUntilChanged, from, interval, map, Observable, startWith, switchMap, takeWhile } from 'rxjs';
import { DataSource } from 'typeorm';
import {
  ChooseTruthDto,
  CreateSyncSourceDto,
  DecideHeldPriceDto,
  HeldPriceDto,
  HeldPricePageDto,
  HeldPricesQueryDto,
  ProviderTruthDto,
  ReconciliationPageDto,
  ReconciliationQueryDto,
  RunSourceDto,
  StreamTicketDto,
  SyncRunDto,
  SyncRunPageDto,
  SyncRunsQueryDto,
  SyncRunSummaryDto,
  SyncSourceDto,
  UpdateSyncSourceDto,
  WebhookSecretDto,
} from './sync.dto';
import { SyncService } from './sync.service';
import { SyncRunEntity } from './sync-run.entity';
import { SyncSourcesService } from './sync-sources.service';
import { ReconciliationService } from './reconciliation.service';
import { HeldPricesService } from './held-prices.service';

const SYNC_ROLES = ['operator', 'admin'] as const;

/** Operators manage sync sources, run them now (or as a dry run), follow runs and decide on quarantined ones. */
@ApiTags('sync')
@Roles(...SYNC_ROLES)
@Controller('sync')
export class SyncController {
  constructor(
    private readonly sources: SyncSourcesService,
    private readonly sync: SyncService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: StreamTicketsService,
    private readonly reconciliation: ReconciliationService,
    private readonly held: HeldPricesService,
  ) {}

  @Get('held')
  @ApiOperation({
    summary: 'Prices the sanity guards held for review (default: the ones waiting for a decision), newest first.',
  })
  @ApiOkResponse({ type: HeldPricePageDto })
  listHeldPrices(@Query() query: HeldPricesQueryDto): Promise<HeldPricePageDto> {
    return this.held.list(query);
  }

  @Post('held/:id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Publish a held price as the feed gave it (audited); 409 when it was already decided or superseded.',
  })
  @ApiOkResponse({ type: HeldPriceDto })
  approveHeldPrice(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: DecideHeldPriceDto,
  ): Promise<HeldPriceDto> {
    return this.held.approve(by, id, body);
  }

  @Post('held/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop a held price (audited); the same price from a later run is not asked about again.' })
  @ApiOkResponse({ type: HeldPriceDto })
  rejectHeldPrice(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: DecideHeldPriceDto,
  ): Promise<HeldPriceDto> {
    return this.held.reject(by, id, body);
  }

  @Get('reconciliation')
  @ApiOperation({
    summary: 'Offerings whose sources disagree by more than min_diff_pct, with each source’s freshness.',
  })
  @ApiOkResponse({ type: ReconciliationPageDto })
  async listDisagreements(@Query() query: ReconciliationQueryDto): Promise<ReconciliationPageDto> {
    const window = pageWindow(query);
    const { rows, total, sources } = await this.reconciliation.disagreements({
      minDiffPct: query.min_diff_pct ?? '5',
      provider: query.provider,
      offset: window.offset,
      limit: window.limit,
    });
    return { data: rows, meta: { page: window.page, per_page: window.perPage, total, sources } };
  }

  @Get('truth')
  @ApiListResponse(ProviderTruthDto)
  async listProviderTruth(): Promise<Listed<ProviderTruthDto>> {
    return listOf(await this.reconciliation.truths());
  }

  @Put('truth/:provider')
  @HttpCode(204)
  @ApiOperation({ summary: 'Choose the source whose prices win for a provider (its next run applies them).' })
  @ApiNoContentResponse()
  chooseProviderTruth(
    @CurrentUser() by: Principal,
    @Param('provider') provider: string,
    @Body() body: ChooseTruthDto,
  ): Promise<void> {
    return this.reconciliation.chooseTruth(by, provider, body.source_id);
  }

  @Delete('truth/:provider')
  @HttpCode(204)
  @ApiNoContentResponse()
  clearProviderTruth(@CurrentUser() by: Principal, @Param('provider') provider: string): Promise<void> {
    return this.reconciliation.clearTruth(by, provider);
  }

  private async lastRuns(): Promise<Map<string, SyncRunEntity>> {
    const rows = await this.dataSource
      .getRepository(SyncRunEntity)
      .createQueryBuilder('r')
      .distinctOn(['r.source_id'])
      .where('r.source_id IS NOT NULL')
      .orderBy('r.source_id')
      .addOrderBy('r.started_at', 'DESC')
      .getMany();
    return new Map(rows.map((r) => [r.sourceId as string, r]));
  }

  @Get('sources')
  @ApiListResponse(SyncSourceDto)
  async listSyncSources(): Promise<Listed<SyncSourceDto>> {
    const last = await this.lastRuns();
    return listOf(await (await this.sources.list()).map((s) => SyncSourceDto.from(s, last.get(s.id) ?? null)));
  }

  @Post('sources')
  @ApiCreatedResponse({ type: SyncSourceDto })
  async createSyncSource(@CurrentUser() by: Principal, @Body() body: CreateSyncSourceDto): Promise<SyncSourceDto> {
    return SyncSourceDto.from(await this.sources.create(by, body), null);
  }

  @Patch('sources/:id')
  @ApiOkResponse({ type: SyncSourceDto })
  async updateSyncSource(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateSyncSourceDto,
  ): Promise<SyncSourceDto> {
    const s = await this.sources.update(by, id, body);
    return SyncSourceDto.from(s, (await this.lastRuns()).get(s.id) ?? null);
  }

  @Delete('sources/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteSyncSource(@CurrentUser() by: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.sources.remove(by, id);
  }

  @Post('sources/:id/webhook-secret')
  @ApiOperation({ summary: 'A new HMAC secret for pushes to /webhooks/prices/{source}; shown once.' })
  @ApiCreatedResponse({ type: WebhookSecretDto })
  async rotateSyncWebhookSecret(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<WebhookSecretDto> {
    return { secret: await this.sources.rotateWebhookSecret(by, id) };
  }

  @Post('sources/:id/run')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a source now (or a dry run); 202 with the run, or 200 when `wait` is set.' })
  @ApiAcceptedResponse({ type: SyncRunSummaryDto })
  @ApiOkResponse({ type: SyncRunSummaryDto })
  async runSyncSource(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RunSourceDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SyncRunSummaryDto> {
    const source = await this.sync.source(id);
    const started = await this.sync.start(source, { trigger: 'manual', dryRun: body.dry_run, startedBy: by.email });
    if (body.wait) {
      res.status(200);
      return SyncRunSummaryDto.from(await started.done);
    }
    void started.done.catch(() => undefined);
    return SyncRunSummaryDto.from(started.run);
  }

  @Get('runs')
  @ApiOkResponse({ type: SyncRunPageDto })
  async listSyncRuns(@Query() query: SyncRunsQueryDto): Promise<SyncRunPageDto> {
    const window = pageWindow(query);
    const qb = this.dataSource.getRepository(SyncRunEntity).createQueryBuilder('r');
    if (query.source_id) qb.andWhere('r.source_id = :s', { s: query.source_id });
    if (query.status) qb.andWhere('r.status = :st', { st: query.status });
    const [rows, total] = await qb
      .select([
        'r.id',
        'r.sourceId',
        'r.sourceName',
        'r.adapter',
        'r.trigger',
        'r.dryRun',
        'r.status',
        'r.phase',
        'r.startedAt',
        'r.finishedAt',
        'r.counts',
        'r.error',
        'r.quarantineReason',
        'r.startedBy',
        'r.decidedBy',
      ])
      .orderBy('r.started_at', 'DESC')
      .skip(window.offset)
      .take(window.limit)
      .getManyAndCount();
    return {
      data: rows.map((r) => SyncRunSummaryDto.from(r)),
      meta: { page: window.page, per_page: window.perPage, total },
    };
  }

  @Get('runs/:id')
  @ApiOkResponse({ type: SyncRunDto })
  async getSyncRun(@Param('id', new ParseUUIDPipe()) id: string): Promise<SyncRunDto> {
    return SyncRunDto.detail(await this.sync.runRow(id));
  }

  @Post('runs/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply a quarantined run exactly as previewed (409 when prices moved since).' })
  @ApiOkResponse({ type: SyncRunSummaryDto })
  async approveSyncRun(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<SyncRunSummaryDto> {
    return SyncRunSummaryDto.from(await this.sync.approve(by, id));
  }

  @Post('runs/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: SyncRunSummaryDto })
  async rejectSyncRun(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<SyncRunSummaryDto> {
    return SyncRunSummaryDto.from(await this.sync.reject(by, id));
  }

  @Post('runs/:id/stream-ticket')
  @HttpCode(200)
  @ApiOperation({ summary: 'A short-lived ticket for the run’s progress stream (EventSource cannot send a token).' })
  @ApiOkResponse({ type: StreamTicketDto })
  async createSyncStreamTicket(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<StreamTicketDto> {
    await this.sync.runRow(id);
    const ticket = this.tickets.issue('sync-stream', id, by);
    return { ticket, url: `/api/v1/sync/runs/${id}/events?ticket=${encodeURIComponent(ticket)}` };
  }
}

/** The progress stream of a run; the ticket is the credential, re-checked (sign-in, role) when the stream opens. */
@ApiTags('sync')
@Controller('sync')
export class SyncStreamController {
  constructor(private readonly sync: SyncService) {}

  @Sse('runs/:id/events')
  @StreamTicketAuth('sync-stream', SYNC_ROLES)
  @ApiOperation({ summary: 'Server-sent events: the run’s phase and counts until it finishes (ticket required).' })
  @ApiOkResponse({ description: 'text/event-stream of `progress` events, then one `done` event (SyncRunSummaryDto).' })
  streamSyncRun(@Param('id', new ParseUUIDPipe()) id: string): Observable<MessageEvent> {
    return interval(500).pipe(
      startWith(0),
      switchMap(() => from(this.sync.runRow(id))),
      map((r) => SyncRunSummaryDto.from(r)),
      distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
      takeWhile((r) => r.status === 'running', true),
      map((r) => ({ type: r.status === 'running' ? 'progress' : 'done', data: r })),
    );
  }
}
