import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig, currentRequestContext, DomainError, Principal, query, Role } from '@mph/api-core';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuthSessionEntity, RefreshTokenEntity, UserEntity } from '../entities';
import { AuditService } from './audit.service';
import { randomToken, sha256 } from './secrets';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  /** Seconds until the access token expires. */
  expires_in: number;
}

/** The claims of an access token. `sid` ties it to its session, so revoking the session revokes the token. */
export interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
  jti: string;
}

const invalidRefresh = () =>
  new DomainError(401, 'INVALID_REFRESH_TOKEN', 'The refresh token is invalid or expired. Sign in again.');

/** How long after its use a refresh token may be presented again (a second tab refreshing at the same moment). */
export const REFRESH_REUSE_GRACE_MS = 10_000;

/**
 * Sessions are refresh-token families: sign-in opens one, each refresh rotates its token, and presenting an
 * already-rotated token (a sign of theft) revokes the whole family. Access tokens are short-lived JWTs naming
 * their session; they stop working the moment the session is revoked.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
  ) {}

  /** Opens a session for `user` inside the caller's transaction and returns its first tokens. */
  async open(manager: EntityManager, user: UserEntity): Promise<TokenPair & { sessionId: string }> {
    const ctx = currentRequestContext();
    const session = await manager.save(
      manager.create(AuthSessionEntity, {
        userId: user.id,
        expiresAt: this.refreshExpiry(),
        ip: ctx?.ip ?? null,
        userAgent: ctx?.userAgent ?? null,
      }),
    );
    const refresh = await this.issueRefresh(manager, session.id);
    return { ...this.issueAccess(user, session.id), refresh_token: refresh, sessionId: session.id };
  }

  /** Exchanges a refresh token for new tokens (rotation); reuse of a rotated token revokes the family. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const token = await m.findOne(RefreshTokenEntity, {
        where: { tokenHash: sha256(refreshToken) },
        relations: { session: { user: true } },
      });
      const session = token?.session;
      const user = session?.user;
      if (!token || !session || !user) return { error: invalidRefresh() };
      // Claim the token atomically: of two concurrent uses, exactly one wins; the other counts as reuse.
      const claimed = await m.update(RefreshTokenEntity, { id: token.id, usedAt: IsNull() }, { usedAt: new Date() });
      if (!claimed.affected) {
        const [{ used_at: usedAt }] = await query<{ used_at: Date | null }>(
          m,
          `SELECT used_at FROM refresh_tokens WHERE id = $1`,
          [token.id],
        );
        // Two tabs refreshing at once send the same token: a repeat within a few seconds of its use is that, not
        // theft, and gets tokens of its own in the same session (a stolen token replayed later still ends it).
        const recent = usedAt !== null && Date.now() - new Date(usedAt).getTime() <= REFRESH_REUSE_GRACE_MS;
        if (recent && !session.revokedAt && session.expiresAt > new Date() && !user.disabled) {
          const sibling = await this.issueRefresh(m, session.id);
          return { pair: { ...this.issueAccess(user, session.id), refresh_token: sibling } };
        }
        if (!session.revokedAt) {
          await this.revokeWith(m, session.id, 'refresh token reused');
          await this.audit.record(m, {
            actor: { id: user.id, label: user.email },
            action: 'auth.refresh_reuse',
            targetType: 'session',
            targetId: session.id,
          });
        }
        return {
          error: new DomainError(
            401,
            'REFRESH_TOKEN_REUSED',
            'This refresh token was already used; the session has been ended for safety. Sign in again.',
          ),
        };
      }
      if (session.revokedAt || session.expiresAt <= new Date() || token.expiresAt <= new Date() || user.disabled) {
        return { error: invalidRefresh() };
      }
      // Sliding expiry: a session lives as long as it is used at least once per REFRESH_TOKEN_TTL_DAYS.
      await m.update(
        AuthSessionEntity,
        { id: session.id },
        { lastUsedAt: new Date(), expiresAt: this.refreshExpiry() },
      );
      const next = await this.issueRefresh(m, session.id);
      return { pair: { ...this.issueAccess(user, session.id), refresh_token: next } };
    });
    // The revocation above must commit even though the caller gets an error, so errors are thrown only here.
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }

  /** Resolves a verified access token to its caller, or undefined when the user or session is no longer valid. */
  async principalFor(claims: AccessClaims): Promise<Principal | undefined> {
    const row = await query<{
      email: string;
      role: Role;
      disabled: boolean;
      revoked_at: Date | null;
      expires_at: Date;
    }>(
      this.dataSource,
      `SELECT u.email, u.role, u.disabled, s.revoked_at, s.expires_at
         FROM auth_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND u.id = $2`,
      [claims.sid, claims.sub],
    );
    const r = row[0];
    if (!r || r.disabled || r.revoked_at || r.expires_at <= new Date()) return undefined;
    // The role is read from the database, not the token, so a role change applies at once.
    return { userId: claims.sub, email: r.email, role: r.role, via: 'session', sessionId: claims.sid };
  }

  revoke(sessionId: string, reason: string): Promise<void> {
    return this.dataSource.transaction((m) => this.revokeWith(m, sessionId, reason));
  }

  async revokeWith(manager: EntityManager, sessionId: string, reason: string): Promise<void> {
    await manager.update(
      AuthSessionEntity,
      { id: sessionId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokedReason: reason },
    );
  }

  /** Ends every session of a user, except `keep` (the caller's own, on password change). */
  async revokeAllFor(manager: EntityManager, userId: string, reason: string, keep?: string): Promise<number> {
    const q = manager
      .createQueryBuilder()
      .update(AuthSessionEntity)
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where('user_id = :userId AND revoked_at IS NULL', { userId });
    if (keep) q.andWhere('id <> :keep', { keep });
    return (await q.execute()).affected ?? 0;
  }

  /** The session a refresh token belongs to, if the token is known (for logout by refresh token). */
  async sessionOfRefreshToken(refreshToken: string): Promise<AuthSessionEntity | null> {
    const token = await this.dataSource.getRepository(RefreshTokenEntity).findOne({
      where: { tokenHash: sha256(refreshToken) },
      relations: { session: true },
    });
    return token?.session ?? null;
  }

  private issueAccess(user: UserEntity, sessionId: string): Omit<TokenPair, 'refresh_token'> {
    const claims: AccessClaims = { sub: user.id, role: user.role, sid: sessionId, jti: randomUUID() };
    return {
      access_token: this.jwt.sign(claims, { expiresIn: this.config.auth.accessTtlSeconds, algorithm: 'HS256' }),
      token_type: 'Bearer',
      expires_in: this.config.auth.accessTtlSeconds,
    };
  }

  private async issueRefresh(manager: EntityManager, sessionId: string): Promise<string> {
    const token = randomToken();
    await manager.insert(RefreshTokenEntity, { sessionId, tokenHash: sha256(token), expiresAt: this.refreshExpiry() });
    return token;
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.auth.refreshTtlDays * 86_400_000);
  }
}
