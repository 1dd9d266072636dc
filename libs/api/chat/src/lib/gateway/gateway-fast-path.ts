import { Inject, Injectable } from '@nestjs/common';
import { presentedApiKey } from '@mph/api-auth';
import { APP_CONFIG, AppConfig, checkJsonBody, DomainError, FastRoutes, JsonBodyError } from '@mph/api-core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayAdmission } from './gateway-admission';
import { GatewayService } from './gateway.service';
import { serveChatCompletion, writeOpenAiError } from './serve-completion';

export const COMPLETIONS_PATH = '/v1/chat/completions';

/**
 * `POST /v1/chat/completions` for API keys, answered ahead of the Express/Nest pipeline (FastRoutes): the gateway's
 * fixed cost per call is what the issue measures, and the pipeline (body parser, child logger, three guards,
 * interceptors, filters) was most of it. Admission (key, `gateway` scope, per-caller limit) is GatewayAdmission, the
 * same step the Nest route takes; here also the body limit (GATEWAY_MAX_BODY_BYTES), security headers and an
 * access-log line (by the dispatcher), errors in OpenAI's shape. Requests it does not handle (a browser's, with an Origin header; a JWT;
 * a compressed or non-JSON body) go to the Nest route (GatewayController), which behaves the same.
 */
@Injectable()
export class GatewayFastPath {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly admission: GatewayAdmission,
    private readonly gateway: GatewayService,
    fast: FastRoutes,
  ) {
    fast.register('POST', COMPLETIONS_PATH, (req, res, pass) => void this.handle(req, res, pass));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, pass: () => void): Promise<void> {
    const key = presentedApiKey(req);
    const type = req.headers['content-type'] ?? '';
    const encoding = req.headers['content-encoding'];
    // Two credentials (Authorization and X-API-Key) go to the Nest route, which refuses them.
    const mixed = !!req.headers.authorization && !!req.headers['x-api-key'];
    if (
      !key ||
      mixed ||
      req.headers.origin ||
      !/^application\/json\b/i.test(type) ||
      (encoding && encoding !== 'identity')
    ) {
      return pass();
    }
    try {
      const by = await this.admission.admitKey(key);
      const body = await readJson(req, this.config.gateway.maxBodyBytes);
      const project = req.headers['x-mph-project'];
      await serveChatCompletion(this.gateway, by, body, typeof project === 'string' ? project : null, res);
    } catch (e) {
      writeOpenAiError(res, e, req.url ?? COMPLETIONS_PATH);
    }
  }
}

/** The request body as JSON, refused past `limit` bytes (413) or when it does not parse (400), as body-parser would. */
function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(tooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: unknown) => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(tooLarge(limit));
      chunks.push(chunk);
    };
    const onEnd = () => {
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      try {
        checkJsonBody(buf);
      } catch (e) {
        return reject(e instanceof JsonBodyError ? new DomainError(400, e.code, e.message) : e);
      }
      try {
        resolve(JSON.parse(buf.toString('utf8')));
      } catch {
        reject(new DomainError(400, 'INVALID_JSON', 'Request body is not valid JSON.'));
      }
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', fail);
  });
}

function tooLarge(limit: number): DomainError {
  return new DomainError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than the limit of ${limit} bytes.`, {
    limit_bytes: limit,
  });
}
