import { Inject, Injectable } from '@nestjs/common';
import { ProjectAccess } from '@mph/api-auth';
import { APP_CONFIG, AppConfig, DomainError, Principal } from '@mph/api-core';
import { randomUUID } from 'node:crypto';
import { ConnectionsService } from '../connections/connections.service';
import { RateLimited, RateLimitsService } from '../limits/rate-limits.service';
import type { ChatChunk } from '../providers/upstream';
import { promptTokens } from '../tokens/tokenizer';
import { CAP_FIELDS, CallContext, CallSummary, Call, capFieldFor, ChatRequest, once, Started } from './call';
import { CallPricing } from './call-pricing.service';
import { CallRecorder } from './call-recorder.service';
import { GatewayError, toGatewayError } from './gateway-error';
import { UpstreamAttempts } from './upstream-attempts.service';

export * from './call';
export { GatewayError, toGatewayError } from './gateway-error';

/**
 * A gateway call from start to end, for chat and the OpenAI-compatible gateway: checks the request's caps, routes
 * the model to the connections that serve it, admits it under the token limits, prices it once and reserves its
 * maximum cost under a hard budget (CallPricing), sends it (UpstreamAttempts), relays a stream, and ends it once
 * (CallRecorder). Routes, keys, prices and "has a hard budget" come from memory.
 */
@Injectable()
export class GatewayService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly limits: RateLimitsService,
    private readonly projects: ProjectAccess,
    private readonly pricing: CallPricing,
    private readonly attempts: UpstreamAttempts,
    private readonly recording: CallRecorder,
  ) {}

  /**
   * The id of the project an `X-MPH-Project` header names (its id or name), when the caller may use it; 404
   * project_not_found otherwise: a project's limits and budgets cannot be escaped, or spent, by naming another.
   */
  async projectFor(by: Principal, ref: string): Promise<string> {
    try {
      return (await this.projects.forUse(by, ref)).id;
    } catch (e) {
      if (e instanceof DomainError) {
        throw new GatewayError(e.status, e.message, 'invalid_request_error', e.code.toLowerCase(), 'X-MPH-Project');
      }
      throw e;
    }
  }

  /** Validates, routes, reserves and calls; resolves with the answer or an open stream (first chunk received). */
  async start(ctx: CallContext, request: ChatRequest): Promise<Started> {
    // `null` is "not given" (OpenAI's SDKs send it that way): it is dropped so that neither the reservation nor the
    // upstream sees it, and the cap below applies as if the field were absent.
    for (const k of CAP_FIELDS) if (request[k] === null) delete request[k];
    // Checked here, where every route passes (the /v1 body is checked on the way in; a chat session's params are
    // not): a cap of 0, negative or fractional would reserve nothing and leave the answer uncapped upstream.
    for (const k of CAP_FIELDS) {
      const v = request[k];
      if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 1)) {
        throw new GatewayError(400, `'${k}' must be a positive integer.`, 'invalid_request_error', null, k);
      }
    }
    // Both spellings are checked: a request carrying a small max_completion_tokens and a huge max_tokens must not
    // slip a cap past the check, whichever of the two the upstream honours.
    const asked = CAP_FIELDS.filter((k) => request[k] !== undefined);
    const maxTokens = asked.length ? Math.max(...asked.map((k) => request[k] as number)) : undefined;
    const tooLarge = asked.find((k) => (request[k] as number) > this.config.gateway.maxTokens);
    if (tooLarge) {
      throw new GatewayError(
        400,
        `${tooLarge} is ${request[tooLarge]}; this server allows at most ${this.config.gateway.maxTokens} (GATEWAY_MAX_TOKENS).`,
        'invalid_request_error',
        'max_tokens_too_large',
        tooLarge,
      );
    }
    const routes = await this.connections.routes(ctx.by, request.model);
    if (!routes.length) {
      throw new GatewayError(
        404,
        `The model \`${request.model}\` does not exist or you do not have access to it. GET /v1/models lists yours.`,
        'invalid_request_error',
        'model_not_found',
        'model',
      );
    }
    const startedAt = new Date();
    const call: Call = {
      ctx,
      request,
      transactionId: `mph-${randomUUID()}`,
      started: performance.now(),
      startedAt,
      route: null,
      pricing: await this.pricing.pricing(routes[0], startedAt),
      reservations: [],
      promptTokens: once(() =>
        promptTokens(request.messages as { role?: unknown; content?: unknown }[], request.model),
      ),
      firstByteAt: null,
      finished: false,
    };
    try {
      await this.limits.admit(ctx.by, ctx.project, call.promptTokens);
    } catch (e) {
      if (e instanceof RateLimited) {
        throw new GatewayError(429, e.message, 'rate_limit_exceeded', 'rate_limit_exceeded', null, e.retryAfterSeconds);
      }
      throw e;
    }
    const reservedOutput = maxTokens ?? this.config.gateway.maxTokens;
    if (await this.pricing.reserve(call, reservedOutput)) {
      // A hard budget reserved `reservedOutput` tokens of answer: the upstream is told the same cap, so the answer
      // cannot cost more than what was reserved (without it an upstream answers up to the model's own limit).
      if (maxTokens === undefined) request[capFieldFor(routes[0].upstreamModel)] = reservedOutput;
    }
    try {
      return await this.attempts.attempt(call, routes);
    } catch (e) {
      const error = e instanceof GatewayError ? e : toGatewayError(e);
      // A call that never reached a model still counts: an error event (no tokens) is recorded, budgets released.
      this.recording.finish(call, { status: 'error', errorClass: error.code ?? error.type });
      throw error;
    }
  }

  /**
   * Reads an open stream to its end for a caller (the /v1 controller, the chat): `onChunk` gets every chunk but the
   * usage one, with its text; a failure after the first token ends the relay (never retried). Then the call is
   * finished and recorded once.
   */
  async relay(
    started: Extract<Started, { kind: 'stream' }>,
    signal: AbortSignal,
    onChunk: (chunk: ChatChunk, text: string) => void,
  ): Promise<{ text: string; usageChunk: ChatChunk | null; failure: GatewayError | null; summary: CallSummary }> {
    const { call } = started;
    let text = '';
    let usageChunk: ChatChunk | null = null;
    let failure: GatewayError | null = null;
    try {
      for await (const chunk of started.chunks) {
        if (call.firstByteAt === null) call.firstByteAt = performance.now();
        const choices = chunk['choices'] as { delta?: { content?: unknown } }[] | undefined;
        if (chunk['usage'] && (!choices || choices.length === 0)) {
          usageChunk = chunk;
          continue;
        }
        const content = choices?.[0]?.delta?.content;
        const piece = typeof content === 'string' ? content : '';
        text += piece;
        onChunk(chunk, piece);
      }
    } catch (e) {
      failure = signal.aborted
        ? new GatewayError(499, 'The client closed the request.', 'aborted', 'client_closed')
        : toGatewayError(e);
    }
    const summary = this.recording.finish(call, {
      status: failure ? (text ? 'partial' : 'error') : 'success',
      usageChunk,
      streamedText: text,
      errorClass: failure?.code ?? null,
    });
    return { text, usageChunk, failure, summary };
  }
}
