import { Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError, execute, Public, query, SecretBox } from '@mph/api-core';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { SyncRunSummaryDto } from './sync.dto';
import { SyncService } from './sync.service';

/** Deliveries older or newer than this are refused (replay window). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function webhookSignature(secret: string, timestamp: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

const unauthorized = (message: string) => new DomainError(401, 'WEBHOOK_UNAUTHORIZED', message);

/**
 * Vendors that push prices: the body is the source's feed format, signed with the source's secret
 * (HMAC-SHA256 over `<timestamp>.<body>`), and goes through the same diff / quarantine / apply path as a fetch.
 */
@ApiTags('webhooks')
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly sync: SyncService,
    private readonly secrets: SecretBox,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Post('prices/:source')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Push a price feed for a source (signed); applied like a sync run, once per idempotency key.',
  })
  @ApiHeader({ name: 'X-MPH-Timestamp', description: 'Unix seconds; within 5 minutes of the server clock.' })
  @ApiHeader({ name: 'X-MPH-Signature', description: '`sha256=` + hex HMAC-SHA256(secret, `<timestamp>.<raw body>`).' })
  @ApiHeader({ name: 'Idempotency-Key', description: 'Unique per delivery; a repeat is acknowledged, not applied.' })
  @ApiOkResponse({ type: SyncRunSummaryDto })
  async pushPrices(
    @Param('source') name: string,
    @Req() req: Request & { rawBody?: Buffer },
    @Headers('x-mph-timestamp') timestamp?: string,
    @Headers('x-mph-signature') signature?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SyncRunSummaryDto & { replayed: boolean }> {
    if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(name))
      throw DomainError.notFound('SYNC_SOURCE_NOT_FOUND', 'No such source.');
    const source = await this.sync.source(name);
    if (!source.webhookSecretSealed) throw unauthorized(`${name} does not accept pushes (no webhook secret set).`);
    if (!timestamp || !/^\d{9,11}$/.test(timestamp)) throw unauthorized('X-MPH-Timestamp (unix seconds) is missing.');
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) {
      throw unauthorized('X-MPH-Timestamp is more than 5 minutes away from now: stale or replayed delivery.');
    }
    const body = req.rawBody;
    if (!body) throw DomainError.badRequest('VALIDATION_FAILED', 'Send the feed as application/json.');
    const expected = webhookSignature(this.secrets.open(source.webhookSecretSealed), timestamp, body);
    if (
      !signature ||
      signature.length !== expected.length ||
      !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    ) {
      throw unauthorized('X-MPH-Signature does not match the body.');
    }
    if (!idempotencyKey || !/^[\w.:-]{1,200}$/.test(idempotencyKey)) {
      throw DomainError.badRequest(
        'VALIDATION_FAILED',
        'Idempotency-Key (1–200 letters, digits, . _ : -) is required.',
      );
    }
    // The key is not signed: the same signed delivery under a new key is a replay too, recognised by its signature.
    const [fresh] = await query<{ source_id: string }>(
      this.dataSource,
      `INSERT INTO sync_webhook_deliveries (source_id, idempotency_key, signature) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING source_id`,
      [source.id, idempotencyKey, signature],
    );
    if (!fresh) {
      const [prior] = await query<{ run_id: string | null }>(
        this.dataSource,
        `SELECT run_id FROM sync_webhook_deliveries
          WHERE source_id = $1 AND (idempotency_key = $2 OR signature = $3) ORDER BY run_id NULLS LAST LIMIT 1`,
        [source.id, idempotencyKey, signature],
      );
      if (prior?.run_id) return { ...SyncRunSummaryDto.from(await this.sync.runRow(prior.run_id)), replayed: true };
      throw DomainError.conflict(
        'WEBHOOK_IN_PROGRESS',
        'This delivery is being applied; retry later with the same key.',
      );
    }
    try {
      const started = await this.sync.start(source, { trigger: 'webhook', body });
      await execute(
        this.dataSource,
        `UPDATE sync_webhook_deliveries SET run_id = $3 WHERE source_id = $1 AND idempotency_key = $2`,
        [source.id, idempotencyKey, started.run.id],
      );
      return { ...SyncRunSummaryDto.from(await started.done), replayed: false };
    } catch (e) {
      // Not applied: let the vendor retry the same delivery.
      await execute(
        this.dataSource,
        `DELETE FROM sync_webhook_deliveries WHERE source_id = $1 AND idempotency_key = $2 AND run_id IS NULL`,
        [source.id, idempotencyKey],
      );
      throw e;
    }
  }
}
