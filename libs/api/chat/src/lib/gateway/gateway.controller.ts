import { Body, Controller, Get, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AcceptApiKeyScopes, Authenticated, CurrentUser, Principal } from '@mph/api-core';
import type { Request, Response } from 'express';
import { ConnectionsService } from '../connections/connections.service';
import { validateChatRequest } from './chat-request';
import { GatewayError, GatewayService } from './gateway.service';
import { OpenAiErrorsFilter } from './openai-errors.filter';

const PROJECT = /^[\w .:@/-]{1,100}$/;

/**
 * The OpenAI-compatible gateway: `POST /v1/chat/completions` (JSON or SSE, `stream_options.include_usage`, errors in
 * OpenAI's shape, `[DONE]` at the end, never named events) and `GET /v1/models`, for API keys with the `gateway`
 * scope. Each call's cost is in `x-mph-cost-usd` (JSON answers) or in the usage chunk's `x_mph` field (streams).
 * Documented in the README rather than our OpenAPI document: its contract is OpenAI's.
 */
@ApiExcludeController()
@UseFilters(OpenAiErrorsFilter)
@Authenticated()
@AcceptApiKeyScopes('gateway')
@Controller('v1')
export class GatewayController {
  constructor(
    private readonly gateway: GatewayService,
    private readonly connections: ConnectionsService,
  ) {}

  @Get('models')
  async listGatewayModels(@CurrentUser() by: Principal) {
    const models = await this.connections.models(by);
    return {
      object: 'list',
      data: models.map((m) => ({ id: m.model, object: 'model', created: m.created, owned_by: m.owned_by })),
    };
  }

  @Post('chat/completions')
  @HttpCode(200)
  async createChatCompletion(
    @CurrentUser() by: Principal,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const request = validateChatRequest(body);
    const project = req.get('x-mph-project') ?? null;
    if (project !== null && !PROJECT.test(project)) {
      throw new GatewayError(
        400,
        'X-MPH-Project: 1 to 100 letters, digits, spaces or . _ : @ / -',
        'invalid_request_error',
        null,
      );
    }
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const started = await this.gateway.start({ by, project, signal: controller.signal }, request);
    if (started.kind === 'json') {
      const { summary } = started;
      // Written directly: Express's send() would hash the body for an ETag nobody revalidates.
      const payload = JSON.stringify(started.body);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(payload),
        'x-mph-transaction-id': summary.transactionId,
        'x-mph-cost-usd': summary.costUsd ?? 'unknown',
        ...(started.cached ? { 'x-mph-cache': 'hit' } : {}),
      });
      res.end(payload);
      return;
    }
    const { call } = started;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-mph-transaction-id': call.transactionId,
    });
    const wantsUsage = request.stream_options?.include_usage === true;
    const { usageChunk, failure, summary } = await this.gateway.relay(started, controller.signal, (chunk) =>
      res.write(`data: ${JSON.stringify(chunk)}\n\n`),
    );
    if (controller.signal.aborted) return;
    if (failure) {
      // Tokens already reached the client, so no retry: the stream ends with an error event OpenAI's SDKs raise.
      res.write(
        `data: ${JSON.stringify({ error: { message: failure.message, type: failure.type, param: null, code: failure.code } })}\n\n`,
      );
      res.end();
      return;
    }
    if (wantsUsage && usageChunk) {
      const x_mph = {
        transaction_id: summary.transactionId,
        cost: summary.cost,
        currency: summary.currency,
        cost_usd: summary.costUsd,
      };
      res.write(`data: ${JSON.stringify({ ...usageChunk, x_mph })}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  }
}
