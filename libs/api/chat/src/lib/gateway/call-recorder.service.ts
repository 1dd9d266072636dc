import { Injectable } from '@nestjs/common';
import { BudgetReservations, UsageEvent } from '@mph/api-cost-tracking';
import { PricingReadModel } from '@mph/api-pricing';
import { extractUsage, Usage } from '@mph/cost-engine';
import { RateLimitsService } from '../limits/rate-limits.service';
import type { ChatChunk } from '../providers/upstream';
import { Call, CallSummary, outputTokens } from './call';
import { UsageRecorder } from './usage-recorder.service';

/**
 * How a gateway call ends, exactly once whichever way it ends (answered, streamed, failed, served from the response
 * cache): its usage (the upstream's, else counted), its cost at the price looked up when it started, the usage event
 * handed to the recorder already priced, token limits charged and budget reservations released after it is stored.
 */
@Injectable()
export class CallRecorder {
  constructor(
    private readonly pricingModel: PricingReadModel,
    private readonly recorder: UsageRecorder,
    private readonly limits: RateLimitsService,
    private readonly budgets: BudgetReservations,
  ) {}

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
}
