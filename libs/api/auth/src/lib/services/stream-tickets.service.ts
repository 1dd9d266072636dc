import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig, DomainError, Principal, query, Role } from '@mph/api-core';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';

/** What a ticket opens; a ticket for one purpose (or one resource) never opens another. */
export type StreamPurpose = 'sync-stream' | 'chat-stream';

export const STREAM_TICKET_SECONDS = 300;

const ended = () =>
  new DomainError(
    401,
    'UNAUTHORIZED',
    'The sign-in (or API key) this stream ticket was issued to has ended; sign in again.',
  );

/**
 * Tickets for event streams (EventSource cannot send a token). A ticket is `<exp>.<credential>.<hmac>` where the
 * credential names the sign-in session (`s<id>`), the API key (`k<id>`) or, failing both, the user (`u<id>`) that
 * asked for it. Opening a stream checks the signature and expiry, then reads that credential again: a logout, a
 * revoked key, a disabled user or a role that no longer fits ends the ticket at once, not 5 minutes later.
 */
@Injectable()
export class StreamTicketsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  issue(purpose: StreamPurpose, resourceId: string, by: Principal, seconds = STREAM_TICKET_SECONDS): string {
    const credential = by.sessionId ? `s${by.sessionId}` : by.apiKeyId ? `k${by.apiKeyId}` : `u${by.userId}`;
    const body = `${Math.floor(Date.now() / 1000) + seconds}.${credential}`;
    return `${body}.${this.sign(purpose, resourceId, body)}`;
  }

  /** The caller the ticket was issued to, as they are now; 401 when the ticket or their sign-in is no longer good. */
  async open(purpose: StreamPurpose, resourceId: string, ticket: string, roles?: readonly Role[]): Promise<Principal> {
    const parts = ticket.split('.');
    const [exp, credential, mac] = parts;
    const expected = parts.length === 3 ? this.sign(purpose, resourceId, `${exp}.${credential}`) : '';
    const valid =
      !!mac &&
      mac.length === expected.length &&
      timingSafeEqual(Buffer.from(mac), Buffer.from(expected)) &&
      Number(exp) >= Date.now() / 1000;
    if (!valid) {
      throw new DomainError(401, 'UNAUTHORIZED', 'The stream ticket is missing, wrong or expired; ask for a new one.');
    }
    const principal = await this.principalOf(credential);
    if (!principal) throw ended();
    if (roles && !roles.includes(principal.role)) {
      throw new DomainError(403, 'FORBIDDEN', `This needs the ${roles.join(' or ')} role.`);
    }
    return principal;
  }

  private async principalOf(credential: string): Promise<Principal | undefined> {
    const kind = credential[0];
    const id = credential.slice(1);
    type Row = { user_id: string; email: string; role: Role; live: boolean; scopes?: string[] };
    let rows: Row[] = [];
    if (kind === 's') {
      rows = await query<Row>(
        this.dataSource,
        `SELECT u.id AS user_id, u.email, u.role,
                (NOT u.disabled AND s.revoked_at IS NULL AND s.expires_at > now()) AS live
           FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
        [id],
      );
    } else if (kind === 'k') {
      rows = await query<Row>(
        this.dataSource,
        `SELECT u.id AS user_id, u.email, u.role, k.scopes,
                (NOT u.disabled AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())) AS live
           FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = $1`,
        [id],
      );
    } else if (kind === 'u') {
      rows = await query<Row>(
        this.dataSource,
        `SELECT id AS user_id, email, role, NOT disabled AS live FROM users WHERE id = $1`,
        [id],
      );
    }
    const r = rows[0];
    if (!r?.live) return undefined;
    const base = { userId: r.user_id, email: r.email, role: r.role };
    if (kind === 's') return { ...base, via: 'session', sessionId: id };
    if (kind === 'k') return { ...base, via: 'api-key', apiKeyId: id, scopes: r.scopes as Principal['scopes'] };
    return { ...base, via: 'session' };
  }

  private sign(purpose: StreamPurpose, resourceId: string, body: string): string {
    return createHmac('sha256', this.config.auth.jwtSecret)
      .update(`${purpose}:${resourceId}.${body}`)
      .digest('base64url');
  }
}
