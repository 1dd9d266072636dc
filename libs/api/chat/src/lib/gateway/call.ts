import type { Principal } from '@mph/api-core';
import type { DomainError } from '@mph/api-core';
import type { OfferingMatch, PriceInForce } from '@mph/api-pricing';
import type { Usage } from '@mph/cost-engine';
import type { Route } from '../connections/connections.service';
import type { ChatChunk } from '../providers/upstream';
import { countTokens, encodingFor } from '../tokens/tokenizer';

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

/** The two spellings of an answer's length cap. */
export const CAP_FIELDS = ['max_completion_tokens', 'max_tokens'] as const;

/**
 * The field that caps an answer for this model when the caller gave none: OpenAI's reasoning models (o1, o3, o4,
 * gpt-5 …) refuse `max_tokens`; everything else, including older OpenAI-compatible servers, knows `max_tokens`.
 */
export function capFieldFor(model: string): (typeof CAP_FIELDS)[number] {
  return /(^|\/)(o\d|gpt-5)/.test(model) ? 'max_completion_tokens' : 'max_tokens';
}

/** A value computed on first use only. */
export function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) [value, done] = [compute(), true];
    return value;
  };
}

/** Tokens of what was streamed before a call broke off (the model's tokenizer, or the stated approximation). */
export function outputTokens(call: Call, streamed: string | undefined): number {
  return streamed ? countTokens(streamed, encodingFor(call.request.model).encoding) : 0;
}
