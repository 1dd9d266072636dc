import { Logger } from '@nestjs/common';
import { mapError, OpenAiError, Principal, toOpenAiError } from '@mph/api-core';
import type { ServerResponse } from 'node:http';
import { validateChatRequest } from './chat-request';
import { GatewayError, GatewayService } from './gateway.service';

const PROJECT = /^[\w .:@/-]{1,100}$/;

/**
 * One `POST /v1/chat/completions`, answered on `res`: the JSON answer with its cost in `x-mph-cost-usd`, or the
 * stream (OpenAI's chunks, the usage chunk carrying `x_mph` when `stream_options.include_usage`, an error frame if
 * the upstream breaks off, `[DONE]`). Closing the connection aborts the upstream call. Errors before the answer
 * starts are thrown for the caller to write with `writeOpenAiError`. Shared by the fast path and the Nest route.
 */
export async function serveChatCompletion(
  gateway: GatewayService,
  by: Principal,
  body: unknown,
  project: string | null,
  res: ServerResponse,
): Promise<void> {
  const request = validateChatRequest(body);
  if (project !== null && !PROJECT.test(project)) {
    throw new GatewayError(
      400,
      'X-MPH-Project: 1 to 100 letters, digits, spaces or . _ : @ / -',
      'invalid_request_error',
      null,
    );
  }
  const projectId = project === null ? null : await gateway.projectFor(by, project);
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const started = await gateway.start({ by, project: projectId, signal: controller.signal }, request);
  if (started.kind === 'json') {
    const { summary } = started;
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
  const { usageChunk, failure, summary } = await gateway.relay(started, controller.signal, (chunk) =>
    res.write(`data: ${JSON.stringify(chunk)}\n\n`),
  );
  if (controller.signal.aborted) return;
  if (failure) {
    // Tokens already reached the client, so no retry: the stream ends with an error event OpenAI's SDKs raise.
    res.end(
      `data: ${JSON.stringify({ error: { message: failure.message, type: failure.type, param: null, code: failure.code } })}\n\n`,
    );
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

const log = new Logger('Gateway');

/**
 * Any error as OpenAI's `{"error":{message,type,param,code}}` with the matching status, so the official SDKs raise
 * the right exception (AuthenticationError, RateLimitError, NotFoundError …). Unexpected errors are logged.
 */
export function writeOpenAiError(res: ServerResponse, exception: unknown, url: string): void {
  let status: number;
  let error: OpenAiError;
  if (exception instanceof GatewayError) {
    status = exception.status;
    error = { message: exception.message, type: exception.type, param: exception.param, code: exception.code };
    if (exception.retryAfterSeconds !== undefined && !res.headersSent) {
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
  } else {
    const mapped = mapError(exception);
    status = mapped.status;
    if (mapped.unexpected) log.error({ err: exception, url }, 'gateway request failed');
    error = toOpenAiError(mapped);
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = JSON.stringify({ error });
  res.writeHead(status === 499 ? 400 : status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
