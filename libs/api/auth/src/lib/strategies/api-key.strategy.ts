import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Principal } from '@mph/api-core';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import { Strategy } from 'passport-custom';
import { ApiKeysService } from '../services/api-keys.service';

/** The key presented as `X-API-Key: mph_…` or `Authorization: Bearer mph_…`, if any. */
export function presentedApiKey(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header.trim();
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer\s+(mph_\S+)$/i.exec(auth) : null;
  return m?.[1];
}

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly keys: ApiKeysService) {
    super();
  }

  async validate(req: Request): Promise<Principal | false> {
    const key = presentedApiKey(req);
    return key ? ((await this.keys.authenticate(key)) ?? false) : false;
  }
}
