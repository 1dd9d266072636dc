import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { StreamTicketsService } from '@mph/api-auth';
import { OfferingDirectoryService } from '@mph/api-catalog';
import { DomainError, execute, Principal, query } from '@mph/api-core';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { encodingFor, messageTokens, REPLY_PRIMING } from '../tokens/tokenizer';
import { CallSummary, ChatRequest, GatewayError, GatewayService } from '../gateway/gateway.service';
import { CallPricing } from '../gateway/call-pricing.service';
import { Attachment, checkAttachments, withFiles } from './attachments';
import { ChatService, messageDto, renderTemplate } from './chat.service';

/** When the catalog does not know a model's context window. */
const DEFAULT_CONTEXT_TOKENS = 8192;

/**
 * Sending a chat message: the user message and a pending assistant message are stored, then the console opens the
 * answer's event stream (EventSource, authenticated by a short-lived signed ticket) which calls the model through
 * the gateway (budgets, retries, failover, usage recorded once) and streams `token` events, then `done` (tokens,
 * cost, latency) or `error`. Closing the stream (the stop button) aborts the upstream call; what was said is kept.
 */
@Injectable()
export class ChatStreamService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly chat: ChatService,
    private readonly gateway: GatewayService,
    private readonly pricing: CallPricing,
    private readonly tickets: StreamTicketsService,
    private readonly offerings: OfferingDirectoryService,
  ) {}

  async send(by: Principal, sessionId: string, input: { content: string; attachments?: unknown[] }) {
    const files = await checkAttachments(input.attachments);
    const session = await this.chat.session(by, sessionId);
    if (session.items.some((m: { status: string }) => m.status === 'pending' || m.status === 'streaming')) {
      throw DomainError.conflict('ANSWER_IN_PROGRESS', 'Wait for the current answer (or stop it) before sending.');
    }
    const { user, assistant } = await this.dataSource.transaction(async (m) => {
      const [u] = await query<Record<string, unknown>>(
        m,
        `INSERT INTO chat_messages (session_id, role, content, attachments) VALUES ($1, 'user', $2, $3) RETURNING *`,
        [sessionId, input.content, JSON.stringify(files)],
      );
      const [a] = await query<Record<string, unknown>>(
        m,
        `INSERT INTO chat_messages (session_id, role, model, status) VALUES ($1, 'assistant', $2, 'pending') RETURNING *`,
        [sessionId, session.model],
      );
      // The title comes from the first message.
      await execute(
        m,
        `UPDATE chat_sessions SET updated_at = now(),
                title = CASE WHEN title = '' THEN left(regexp_replace($2, '\\s+', ' ', 'g'), 60) ELSE title END
          WHERE id = $1`,
        [sessionId, input.content.trim()],
      );
      return { user: u, assistant: a };
    });
    const ticket = this.tickets.issue('chat-stream', String(assistant.id), by);
    return {
      user_message: messageDto(user),
      assistant_message: messageDto(assistant),
      stream_url: `/api/v1/chat/messages/${assistant.id}/stream?ticket=${encodeURIComponent(ticket)}`,
    };
  }

  /** Streams the pending assistant message's answer (once: a second opening finds it claimed). */
  async stream(by: Principal, messageId: string, res: Response): Promise<void> {
    const claimed = await query<{ session_id: string }>(
      this.dataSource,
      `UPDATE chat_messages m SET status = 'streaming' FROM chat_sessions s
        WHERE m.id = $1 AND m.status = 'pending' AND s.id = m.session_id AND s.owner_id = $2
        RETURNING m.session_id`,
      [messageId, by.userId],
    );
    const rows = claimed;
    if (!rows.length) throw DomainError.conflict('ANSWER_NOT_PENDING', 'This answer was already streamed or stopped.');
    const sessionId: string = rows[0].session_id;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    let text = '';
    let outcome: { status: 'complete' | 'partial' | 'error'; error: string | null } = {
      status: 'complete',
      error: null,
    };
    let summary: CallSummary | null = null;
    try {
      const request = await this.context(by, sessionId, Number(messageId));
      // A session belongs to one of its owner's projects: its usage, limits and budgets are that project's.
      const [session] = await query<{ project_id: string | null }>(
        this.dataSource,
        `SELECT project_id FROM chat_sessions WHERE id = $1`,
        [sessionId],
      );
      const started = await this.gateway.start(
        { by, project: session?.project_id ?? null, sessionId, signal: controller.signal },
        request,
      );
      if (started.kind === 'json') {
        // An upstream that ignored `stream`: one token event with the whole answer.
        const content = (started.body['choices'] as { message?: { content?: string } }[] | undefined)?.[0]?.message
          ?.content;
        text = content ?? '';
        send('token', { text });
        summary = started.summary;
      } else {
        const relayed = await this.gateway.relay(started, controller.signal, (_chunk, piece) => {
          if (piece) send('token', { text: piece });
        });
        text = relayed.text;
        summary = relayed.summary;
        if (relayed.failure) {
          const error = controller.signal.aborted ? 'Stopped.' : relayed.failure.message;
          outcome = { status: text ? 'partial' : 'error', error };
        }
      }
    } catch (e) {
      const error = e instanceof GatewayError || e instanceof DomainError ? e.message : 'The call failed unexpectedly.';
      outcome = { status: 'error', error };
    }
    const updated = await query<Record<string, unknown>>(
      this.dataSource,
      `UPDATE chat_messages SET content = $2, status = $3, error = $4, usage = $5, cost = $6, currency = $7,
              latency_ms = $8, ttft_ms = $9, transaction_id = $10, provider = $11, connection_id = $12
        WHERE id = $1 RETURNING *`,
      [
        messageId,
        text,
        outcome.status,
        outcome.error,
        summary ? JSON.stringify(summary.usage) : null,
        summary?.cost ?? null,
        summary?.currency ?? null,
        summary?.latencyMs ?? null,
        summary?.ttftMs ?? null,
        summary?.transactionId ?? null,
        summary?.provider ?? null,
        summary?.connectionId ?? null,
      ],
    );
    await execute(this.dataSource, `UPDATE chat_sessions SET updated_at = now() WHERE id = $1`, [sessionId]);
    if (controller.signal.aborted) return;
    // TypeORM answers [rows, affected] for UPDATE … RETURNING.
    const saved = updated[0];
    const message = messageDto(saved);
    send(outcome.status === 'error' ? 'error' : 'done', message);
    res.end();
  }

  /**
   * The request the model sees: the session's system prompt (its version, variables filled), then the conversation,
   * oldest turns dropped first to fit the model's context window (less the answer's max_tokens). Tokens are counted
   * with the model's own encoding for OpenAI models and with o200k_base as an approximation for others (see
   * tokens/tokenizer.ts); the newest turn is always kept.
   */
  private async context(by: Principal, sessionId: string, answerId: number): Promise<ChatRequest> {
    const [session] = await query<{
      model: string;
      params: Record<string, unknown> | null;
      variables: Record<string, unknown> | null;
      template: string | null;
    }>(
      this.dataSource,
      `SELECT s.model, s.params, s.variables, v.template FROM chat_sessions s
         LEFT JOIN prompt_versions v ON v.id = s.prompt_version_id WHERE s.id = $1`,
      [sessionId],
    );
    const rows = await query<{ role: string; content: string; attachments: Attachment[] }>(
      this.dataSource,
      `SELECT role, content, attachments FROM chat_messages
        WHERE session_id = $1 AND id < $2 AND status IN ('complete', 'partial') AND content <> '' ORDER BY id`,
      [sessionId, answerId],
    );
    // Files travel with the message that attached them, so later turns keep them in context.
    const history = rows.map((r) => ({ role: r.role, content: withFiles(r.content, r.attachments) }));
    const params = (session.params ?? {}) as Record<string, unknown>;
    const maxTokens = typeof params['max_tokens'] === 'number' ? (params['max_tokens'] as number) : 1024;
    const offeringId = await this.pricing.offeringFor(by, session.model);
    let window = DEFAULT_CONTEXT_TOKENS;
    const offering = offeringId ? await this.offerings.byId(offeringId) : null;
    window = offering?.context_window ?? offering?.model_context_window ?? window;
    const system = session.template ? renderTemplate(session.template, session.variables ?? {}) : null;
    const { encoding } = encodingFor(session.model);
    let budget =
      window - maxTokens - REPLY_PRIMING - (system ? messageTokens({ role: 'system', content: system }, encoding) : 0);
    const kept: { role: string; content: string }[] = [];
    for (let i = history.length - 1; i >= 0; i--) {
      const cost = messageTokens(history[i], encoding);
      if (cost > budget && kept.length) break;
      budget -= cost;
      kept.unshift(history[i]);
    }
    // A trimmed conversation starts with a user turn, not with an answer whose question was dropped.
    while (kept.length > 1 && kept.length < history.length && kept[0].role === 'assistant') kept.shift();
    return {
      ...params,
      model: session.model,
      stream: true,
      max_tokens: maxTokens,
      messages: [...(system ? [{ role: 'system', content: system }] : []), ...kept],
    };
  }
}
