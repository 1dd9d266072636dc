import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ApiKeyScope,
  DataChanges,
  DomainError,
  ownedOrNotFound,
  ownerFilter,
  PageWindow,
  Principal,
} from '@mph/api-core';
import { randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { ApiKeyEntity, UserEntity } from '../entities';
import { actorOf, AuditService } from './audit.service';
import { randomToken, sameHash, sha256 } from './secrets';

const KEY_FORMAT = /^mph_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** Last-used time is written at most this often per key, so a busy key does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function keySnapshot(k: ApiKeyEntity): Record<string, unknown> {
  return {
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    expires_at: k.expiresAt?.toISOString() ?? null,
    revoked: !!k.revokedAt,
  };
}

/** Keys (with their user) looked up recently: the gateway's hot path authenticates without a database round trip. */
const KEY_CACHE_MAX = 10_000;

@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, ApiKeyEntity | null>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly changes: DataChanges,
  ) {
    // Any instance revoking a key, changing a user's role or disabling them drops every cached key at once.
    changes.subscribe((table) => {
      if (table === null || table === 'api_keys' || table === 'users') this.cache.clear();
    });
  }

  private async findByPrefix(prefix: string): Promise<ApiKeyEntity | null> {
    if (this.changes.live && this.cache.has(prefix)) return this.cache.get(prefix) ?? null;
    const generation = this.changes.generation;
    const key = await this.dataSource
      .getRepository(ApiKeyEntity)
      .findOne({ where: { prefix }, relations: { user: true } });
    if (this.changes.live && this.changes.generation === generation) {
      if (this.cache.size >= KEY_CACHE_MAX) this.cache.clear();
      this.cache.set(prefix, key);
    }
    return key;
  }

  /** Creates a key for the caller; the full key is returned only here. */
  async create(
    principal: Principal,
    input: { name: string; scopes: ApiKeyScope[]; expiresAt?: Date },
  ): Promise<{ entity: ApiKeyEntity; key: string }> {
    if (input.expiresAt && input.expiresAt <= new Date()) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'expires_at must be in the future.', [
        { field: 'expires_at', problems: ['must be in the future'] },
      ]);
    }
    const prefix = randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 12);
    const secret = randomToken(32);
    const entity = await this.dataSource.transaction(async (m) => {
      const saved = await m.save(
        m.create(ApiKeyEntity, {
          userId: principal.userId,
          name: input.name.trim(),
          prefix,
          secretHash: sha256(secret),
          scopes: [...new Set(input.scopes)].sort(),
          expiresAt: input.expiresAt ?? null,
        }),
      );
      await this.audit.record(m, {
        actor: actorOf(principal),
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: saved.id,
        after: keySnapshot(saved),
      });
      return saved;
    });
    return { entity, key: `mph_${prefix}_${secret}` };
  }

  /** The caller's keys (admins: everyone's, with the owner), newest first. */
  list(principal: Principal, window: PageWindow, includeRevoked: boolean): Promise<[ApiKeyEntity[], number]> {
    return this.dataSource.getRepository(ApiKeyEntity).findAndCount({
      where: { ...ownerFilter(principal), ...(includeRevoked ? {} : { revokedAt: IsNull() }) },
      relations: { user: true },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: window.offset,
      take: window.limit,
    });
  }

  async get(principal: Principal, id: string): Promise<ApiKeyEntity> {
    const key = await this.dataSource
      .getRepository(ApiKeyEntity)
      .findOne({ where: { id, ...ownerFilter(principal) }, relations: { user: true } });
    return ownedOrNotFound(key, principal, 'API_KEY_NOT_FOUND', 'API key');
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const key = ownedOrNotFound(
        await m.findOne(ApiKeyEntity, {
          where: { id, ...ownerFilter(principal) },
          lock: { mode: 'pessimistic_write' },
        }),
        principal,
        'API_KEY_NOT_FOUND',
        'API key',
      );
      if (key.revokedAt) return;
      const before = keySnapshot(key);
      key.revokedAt = new Date();
      await m.save(key);
      await this.audit.record(m, {
        actor: actorOf(principal),
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: key.id,
        before,
        after: keySnapshot(key),
      });
    });
    this.changes.changed('api_keys');
  }

  /** Resolves a presented key to its caller, or undefined when it is malformed, unknown, revoked, expired or its user disabled. */
  async authenticate(presented: string): Promise<Principal | undefined> {
    const m = KEY_FORMAT.exec(presented);
    if (!m) return undefined;
    const key = await this.findByPrefix(m[1]);
    if (!key || !key.user || !sameHash(key.secretHash, sha256(m[2]))) return undefined;
    const now = new Date();
    if (key.revokedAt || (key.expiresAt && key.expiresAt <= now) || key.user.disabled) return undefined;
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      key.lastUsedAt = now;
      await this.dataSource.getRepository(ApiKeyEntity).update({ id: key.id }, { lastUsedAt: now });
    }
    const user: UserEntity = key.user;
    return {
      userId: user.id,
      email: user.email,
      role: user.role,
      via: 'api-key',
      apiKeyId: key.id,
      scopes: key.scopes,
    };
  }
}
