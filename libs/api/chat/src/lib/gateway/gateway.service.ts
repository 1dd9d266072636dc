import { Inject, Injectable } from '@nestjs/common';
import { ProjectAccess } from '@mph/api-auth';
import { APP_CONFIG, AppConfig, DomainError, Principal } from '@mph/api-core';
import { BudgetsService, UsageEvent } from '@mph/api-cost-tracking';
import { OfferingMatch, PriceInForce, PricingReadModel } from '@mph/api-pricing';
import { extractUsage, Usage } from '@mph/cost-engine';
import { randomUUID } from 'node:crypto';
import { ConnectionsService, Route } from '../connections/connections.service';
import { localEcho } from '../providers/local-echo';
import { countTokens, encodingFor, promptTokens } from '../tokens/tokenizer';
import { backoffMs } from '../providers/retry';
import { ChatChunk, postChatCompletion, UpstreamError, UpstreamResult } from '../providers/upstream';
import { ResponseCache } from './response-cache';
import { UsageRecorder } from './usage-recorder.service';
import { RateLimited, RateLimitsService } from '../limits/rate-limits.service';

/** A request as the gateway takes it: OpenAI's chat completion body, already checked for shape. */
export interface ChatRequest {
  model: string;
  messages: { role: string; content?: unknown }[];
  stream?: boolean;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface CallContext {
  by: Principal;
  /** The project's id (resolved and checked by `projectFor`), or null. */
  project: string | null;
  sessionId?: string | null;
  signal: AbortSignal;
}

/** What a finished call cost and recorded. */
export interface CallSummary {
  transactionId: string;
  status: 'success' | 'partial' | 'error' | 'cached';
  usage: Usage;
  cost: string | null;
  currency: string;
  costUsd: string | null;
  connectionId: string | null;
  provider: string;
  model: string;
  latencyMs: number;
  ttftMs: number | null;
  /** Resolves when the usage event is stored (and budget reservations released). */
  recorded: Promise<void>;
}

/** How a call is priced: matched once when it starts, priced at the price in force then (see PricingReadModel). */
export interface Pricing {
  /** The provider and model the usage event names: the offering's, else the route's as configured. */
  provider: string;
  model: string;
  match: OfferingMatch | DomainError;
  price: PriceInForce | null;
}

/** A call in progress: its route, pricing, budget reservations and timing, until `finish`. */
export interface Call {
  ctx: CallContext;
  request: ChatRequest;
  transactionId: string;
  started: number;
  startedAt: Date;
  route: Route | null;
  pricing: Pricing;
  reservations: string[];
  /** The prompt's tokens, counted with the model's tokenizer (or the stated approximation) on first need. */
  promptTokens: () => number;
  firstByteAt: number | null;
  finished: boolean;
}

export type Started =
  | { kind: 'json'; call: Call; body: Record<string, unknown>; summary: CallSummary; cached?: boolean }
  | { kind: 'stream'; call: Call; chunks: AsyncIterable<ChatChunk>; abort: () => void };

/** The OpenAI-style failure of a call: HTTP status, error type and code. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null,
    readonly param: string | null = null,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const MAX_RETRY_WAIT_MS = 20_000;
const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Calls providers for chat and the OpenAI-compatible gateway: routes a model to the connections that serve it,
 * checks hard budgets before anything is sent (reserving the call's maximum cost), retries with backoff and jitter on
 * network errors, 408, 429 (honouring Retry-After) and 5xx, fails over to the next connection, keeps a circuit
 * breaker per connection, never retries once a token reached the client, and records every call (success, failure or
 * partial) exactly once through cost tracking. Routes, keys, prices and "has a hard budget" come from memory.
 */
@Injectable()
export class GatewayService {
  private readonly responses = new ResponseCache();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly pricingModel: PricingReadModel,
    private readonly budgets: BudgetsService,
    private readonly recorder: UsageRecorder,
    private readonly limits: RateLimitsService,
    private readonly projects: ProjectAccess,
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
      pricing: await this.pricing(routes[0], startedAt),
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
    if (await this.reserve(call, reservedOutput)) {
      // A hard budget reserved `reservedOutput` tokens of answer: the upstream is told the same cap, so the answer
      // cannot cost more than what was reserved (without it an upstream answers up to the model's own limit).
      if (maxTokens === undefined) request[capFieldFor(routes[0].upstreamModel)] = reservedOutput;
    }
    try {
      return await this.attempt(call, routes);
    } catch (e) {
      const error = e instanceof GatewayError ? e : this.toGatewayError(e);
      // A call that never reached a model still counts: an error event (no tokens) is recorded, budgets released.
      this.finish(call, { status: 'error', errorClass: error.code ?? error.type });
      throw error;
    }
  }

  private async attempt(call: Call, routes: Route[]): Promise<Started> {
    let last: unknown;
    for (const route of routes) {
      const { connection } = route;
      if (!connection.breaker.tryPass()) {
        last = new UpstreamError(`Connection "${connection.row.name}" is paused (circuit open).`, 'network');
        continue;
      }
      const body: Record<string, unknown> = { ...call.request, model: route.upstreamModel };
      const cacheKey = ResponseCache.key(route, body);
      const hit = cacheKey ? this.responses.get(cacheKey) : undefined;
      if (hit) {
        call.route = route;
        if (route !== routes[0]) call.pricing = await this.pricing(route, call.startedAt);
        call.firstByteAt = performance.now();
        const summary = this.finish(call, { status: 'cached', response: hit });
        return { kind: 'json', call, body: hit, summary, cached: true };
      }
      // Usage is always asked for, so every streamed call is priced; the client sees the usage chunk only if it asked.
      if (body['stream'] === true)
        body['stream_options'] = { ...(call.request.stream_options ?? {}), include_usage: true };
      for (let attempt = 0; ; attempt++) {
        try {
          const result: UpstreamResult =
            connection.row.kind === 'local'
              ? localEcho(body)
              : await postChatCompletion(connection.target, body, call.ctx.signal);
          connection.breaker.success();
          call.route = route;
          // Failover: the call is priced (and recorded) as the connection that served it.
          if (route !== routes[0]) call.pricing = await this.pricing(route, call.startedAt);
          if (result.kind === 'json') {
            call.firstByteAt = performance.now();
            if (cacheKey) this.responses.set(cacheKey, result.body, connection.row.response_cache_seconds);
            const summary = this.finish(call, { status: 'success', response: result.body });
            return { kind: 'json', call, body: result.body, summary };
          }
          return { kind: 'stream', call, chunks: result.chunks, abort: result.abort };
        } catch (e) {
          last = e;
          if (!(e instanceof UpstreamError)) throw e;
          if (e.kind === 'aborted')
            throw new GatewayError(499, 'The client closed the request.', 'aborted', 'client_closed');
          const status = e.kind === 'http' ? (e.status ?? 0) : 0;
          // The caller's own mistakes (400, 404, 422 …) are not the connection's: no retry, no failover.
          if (status >= 400 && status < 500 && ![401, 403, 408, 409, 425, 429].includes(status)) {
            throw this.toGatewayError(e);
          }
          // Network faults, timeouts, 5xx, 408 and answers that are not answers (1xx/3xx: a misconfigured base URL)
          // count against the connection's breaker; the next connection is tried.
          if (e.kind !== 'http' || status >= 500 || status === 408 || status < 400) connection.breaker.failure();
          const retryIn = e.retryAfterMs ?? backoffMs(attempt);
          if (!e.retryable || attempt >= connection.row.max_retries || retryIn > MAX_RETRY_WAIT_MS) break;
          if (!connection.breaker.tryPass()) break;
          await wait(retryIn, call.ctx.signal);
          if (call.ctx.signal.aborted) {
            throw new GatewayError(499, 'The client closed the request.', 'aborted', 'client_closed');
          }
        }
      }
    }
    throw this.toGatewayError(last);
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
        : this.toGatewayError(e);
    }
    const summary = this.finish(call, {
      status: failure ? (text ? 'partial' : 'error') : 'success',
      usageChunk,
      streamedText: text,
      errorClass: failure?.code ?? null,
    });
    return { text, usageChunk, failure, summary };
  }

  /**
   * Ends a call once: prices what was used (the upstream's usage, else an estimate of what was streamed), records the
   * usage event off the response path and releases budget reservations after it is stored.
   */
  finish(
    call: Call,
    outcome: {
      status: 'success' | 'partial' | 'error' | 'cached';
      response?: Record<string, unknown>;
      usageChunk?: ChatChunk | null;
      streamedText?: string;
      errorClass?: string | null;
    },
  ): CallSummary {
    let usage: Usage = { input_tokens: 0, output_tokens: 0 };
    const source = outcome.response ?? outcome.usageChunk;
    if (source && source['usage']) {
      try {
        usage = extractUsage('openai', source, 'openai-chat').usage;
      } catch {
        usage = { input_tokens: call.promptTokens(), output_tokens: outputTokens(call, outcome.streamedText) };
      }
    } else if (outcome.status !== 'error' || outcome.streamedText) {
      // No usage from upstream (the stream broke off): what was sent and what was streamed, estimated.
      usage = {
        input_tokens: call.promptTokens(),
        output_tokens: outputTokens(call, outcome.streamedText),
      };
    }
    const priced = this.pricingModel.usageCost(call.pricing.match, call.pricing.price, {
      usage,
      at: call.startedAt,
      serviceTier: 'standard',
      status: outcome.status,
    });
    const cost = priced.total;
    const currency = priced.currency;
    const latencyMs = Math.round(performance.now() - call.started);
    const ttftMs = call.firstByteAt === null ? null : Math.round(call.firstByteAt - call.started);
    const summary: CallSummary = {
      transactionId: call.transactionId,
      status: outcome.status,
      usage,
      cost,
      currency,
      costUsd: currency === 'USD' ? cost : null,
      connectionId: call.route?.connection.row.id ?? null,
      provider: call.pricing.provider,
      model: call.pricing.model,
      latencyMs,
      ttftMs,
      recorded: Promise.resolve(),
    };
    if (call.finished) return summary;
    call.finished = true;
    const event: UsageEvent = {
      index: 0,
      key: call.transactionId,
      occurredAt: call.startedAt,
      provider: call.pricing.provider,
      model: call.pricing.model,
      usage,
      serviceTier: 'standard',
      region: '',
      project: call.ctx.project ?? '',
      sessionId: call.ctx.sessionId ?? null,
      latencyMs,
      ttftMs,
      status: outcome.status,
      errorClass: outcome.errorClass ? outcome.errorClass.slice(0, 100) : null,
      fxRate: null,
    };
    void this.limits.charge(call.ctx.by, call.ctx.project, usage.output_tokens ?? 0).catch(() => undefined);
    const reservations = call.reservations;
    summary.recorded = this.recorder
      .record(call.ctx.by, { e: event, cost: priced })
      .then(() => this.budgets.settle(reservations))
      .catch(() => undefined);
    return summary;
  }

  /** The offering that would price a call to `model` for this caller (its first route), if one is known. */
  async offeringFor(by: Principal, model: string): Promise<string | null> {
    const [route] = await this.connections.routes(by, model);
    if (!route) return null;
    const { match } = await this.pricing(route, null);
    return match instanceof DomainError ? null : match.offering_id;
  }

  /** Where a model is served first for a user, and the price it would be charged at now (null: unknown). */
  async priceNow(
    by: Principal,
    model: string,
  ): Promise<(Pricing & { route: Route; offeringId: string | null }) | null> {
    const [route] = await this.connections.routes(by, model);
    if (!route) return null;
    const pricing = await this.pricing(route, new Date());
    return { ...pricing, route, offeringId: pricing.match instanceof DomainError ? null : pricing.match.offering_id };
  }

  /**
   * The one match and price lookup of a call: the offering the route is bound to, else the one its provider and
   * upstream model resolve to; and the price in force at `at` (not looked up when `at` is null).
   */
  private async pricing(route: Route, at: Date | null): Promise<Pricing> {
    const provider = route.connection.row.provider_slug ?? 'custom';
    let match = route.offeringId ? await this.pricingModel.offeringOrError(route.offeringId) : null;
    if (!match || match instanceof DomainError) {
      match = await this.pricingModel.resolveOrError(provider, route.upstreamModel);
    }
    if (match instanceof DomainError) return { provider, model: route.upstreamModel, match, price: null };
    const price = at ? await this.pricingModel.priceAt(match.offering_id, at) : null;
    return { provider: match.provider, model: match.provider_model_id, match, price };
  }

  /**
   * Hard budgets: reserve the call's maximum cost (prompt + max_tokens at today's price) before anything is sent.
   * Resolves true when a hard budget applies (the output cap then matters), false when none does.
   */
  private async reserve(call: Call, maxOutput: number): Promise<boolean> {
    if (!(await this.budgets.hasHardBudget(call.ctx.by, call.ctx.project))) return false;
    const price = call.pricing.price;
    if (!price) {
      throw new GatewayError(
        402,
        `A hard budget applies, and the price of \`${call.request.model}\` is unknown, so its cost cannot be checked.`,
        'insufficient_quota',
        'price_unknown',
      );
    }
    let maxCost: string;
    try {
      maxCost = this.pricingModel.cost(
        { input_tokens: call.promptTokens(), output_tokens: maxOutput },
        price,
        call.startedAt,
      ).total;
    } catch {
      throw new GatewayError(
        402,
        'The price of this model lacks input or output rates.',
        'insufficient_quota',
        'price_unknown',
      );
    }
    try {
      call.reservations = await this.budgets.reserve(call.ctx.by, { project: call.ctx.project, maxCost });
    } catch (e) {
      if (e instanceof DomainError && e.status === 402) {
        throw new GatewayError(
          402,
          e.message,
          'insufficient_quota',
          e.code === 'BUDGET_EXCEEDED' ? 'budget_exceeded' : e.code.toLowerCase(),
        );
      }
      throw e;
    }
    return true;
  }

  toGatewayError(e: unknown): GatewayError {
    if (e instanceof GatewayError) return e;
    if (e instanceof UpstreamError) {
      const message = `Upstream error: ${e.message}`;
      if (e.kind === 'timeout') return new GatewayError(504, message, 'api_error', 'upstream_timeout');
      if (e.kind === 'blocked') return new GatewayError(502, message, 'api_error', 'upstream_blocked');
      if (e.kind === 'http' && e.status === 429) {
        return new GatewayError(
          429,
          message,
          'rate_limit_exceeded',
          e.upstream?.code ?? 'rate_limit_exceeded',
          null,
          e.retryAfterMs !== undefined ? Math.ceil(e.retryAfterMs / 1000) : undefined,
        );
      }
      // Only a 4xx is the caller's to see (it usually says what was wrong with the request); a 1xx/3xx from an
      // upstream is not an answer an OpenAI client can act on and becomes a 502 like any other upstream fault.
      if (e.kind === 'http' && e.status && e.status >= 400 && e.status < 500) {
        return new GatewayError(
          e.status === 401 || e.status === 403 ? 502 : e.status,
          e.status === 401 || e.status === 403 ? `${message} (the connection's key was refused)` : message,
          e.upstream?.type ?? 'invalid_request_error',
          e.upstream?.code ?? null,
          e.upstream?.param ?? null,
        );
      }
      return new GatewayError(502, message, 'api_error', 'upstream_error');
    }
    return new GatewayError(500, 'The gateway failed unexpectedly.', 'api_error', 'internal_error');
  }
}

/** The two spellings of an answer's length cap. */
const CAP_FIELDS = ['max_completion_tokens', 'max_tokens'] as const;

/**
 * The field that caps an answer for this model when the caller gave none: OpenAI's reasoning models (o1, o3, o4,
 * gpt-5 …) refuse `max_tokens`; everything else, including older OpenAI-compatible servers, knows `max_tokens`.
 */
export function capFieldFor(model: string): (typeof CAP_FIELDS)[number] {
  return /(^|\/)(o\d|gpt-5)/.test(model) ? 'max_completion_tokens' : 'max_tokens';
}

/** A value computed on first use only. */
function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) [value, done] = [compute(), true];
    return value;
  };
}

/** Tokens of what was streamed before a call broke off (the model's tokenizer, or the stated approximation). */
function outputTokens(call: Call, streamed: string | undefined): number {
  return streamed ? countTokens(streamed, encodingFor(call.request.model).encoding) : 0;
}
