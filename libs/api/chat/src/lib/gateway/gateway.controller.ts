import { Body, Controller, Get, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { AcceptApiKeyScopes, Authenticated, CurrentUser, Principal } from '@mph/api-core';
import type { Request, Response } from 'express';
import { ConnectionsService } from '../connections/connections.service';
import { GatewayAdmission } from './gateway-admission';
import { GatewayService } from './gateway.service';
import { OpenAiErrorsFilter } from './openai-errors.filter';
import { serveChatCompletion } from './serve-completion';

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
    private readonly admission: GatewayAdmission,
  ) {}

  @Get('models')
  async listGatewayModels(@CurrentUser() by: Principal) {
    const models = await this.connections.models(by);
    return {
      object: 'list',
      data: models.map((m) => ({ id: m.model, object: 'model', created: m.created, owned_by: m.owned_by })),
    };
  }

  // Guards authenticated the caller; the gateway's own admission (per-caller limit) is the fast path's.
  @Post('chat/completions')
  @SkipThrottle()
  @HttpCode(200)
  async createChatCompletion(
    @CurrentUser() by: Principal,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.admission.admit(by);
    return serveChatCompletion(this.gateway, by, body, req.get('x-mph-project') ?? null, res);
  }
}
