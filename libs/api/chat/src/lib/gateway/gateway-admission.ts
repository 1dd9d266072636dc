import { Injectable } from '@nestjs/common';
import { ApiKeysService, CallerRateLimit } from '@mph/api-auth';
import { DomainError, Principal } from '@mph/api-core';
import { GatewayError } from './gateway-error';

/**
 * Who may call the gateway, and how often: the one admission step of `POST /v1/chat/completions`, used by the fast
 * path (from the presented key) and by the Nest route (after its guards authenticated the caller). Failures are
 * thrown in the shapes both routes write: 401/403 as DomainErrors, 429 as a GatewayError with Retry-After.
 */
@Injectable()
export class GatewayAdmission {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly limits: CallerRateLimit,
  ) {}

  /** An API key as presented: valid, with the `gateway` scope, within its per-caller limit. */
  async admitKey(key: string): Promise<Principal> {
    const by = await this.keys.authenticate(key);
    if (!by) throw new DomainError(401, 'UNAUTHORIZED', 'The API key is invalid, expired or revoked.');
    if (!by.scopes?.includes('gateway')) {
      throw new DomainError(403, 'API_KEY_SCOPE', 'This API key lacks the scope this route needs (one of: gateway).');
    }
    await this.admit(by);
    return by;
  }

  /**
   * The per-caller request limit (RATE_LIMIT_GATEWAY_PER_MINUTE), one counter for both routes; gateway calls do not
   * count against the API's own limits.
   */
  async admit(by: Principal): Promise<void> {
    const limited = await this.limits.consume(by, 'gateway');
    if (limited) {
      const { message, retryAfterSeconds } = limited;
      throw new GatewayError(429, message, 'rate_limit_exceeded', 'rate_limit_exceeded', null, retryAfterSeconds);
    }
  }
}
