import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { query } from '@mph/api-core';
import { DataSource } from 'typeorm';

export interface UserInfo {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  user_id: string;
  revoked: boolean;
}

/**
 * Who a user id or an API key id is, for the other libs (names on reports, owners of connections, budgets on keys):
 * the auth lib's tables are read here and nowhere outside it.
 */
@Injectable()
export class IdentityDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Users by id (unknown ids are absent). */
  async users(ids: Iterable<string>): Promise<Map<string, UserInfo>> {
    const wanted = [...new Set(ids)];
    if (!wanted.length) return new Map();
    const rows = await query<UserInfo>(
      this.dataSource,
      `SELECT id::text, email, role, disabled FROM users WHERE id = ANY($1::uuid[])`,
      [wanted],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** API keys by id, revoked ones included (unknown ids and ids that are not UUIDs are absent). */
  async apiKeys(ids: Iterable<string>): Promise<Map<string, ApiKeyInfo>> {
    const wanted = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (!wanted.length) return new Map();
    const rows = await query<ApiKeyInfo>(
      this.dataSource,
      `SELECT id::text, name, user_id::text, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE id = ANY($1::uuid[])`,
      [wanted],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** A user's id by email (case-insensitive), or null. */
  async userIdByEmail(email: string): Promise<string | null> {
    const [row] = await query<{ id: string }>(
      this.dataSource,
      `SELECT id::text FROM users WHERE lower(email) = lower($1)`,
      [email],
    );
    return row?.id ?? null;
  }

  /** The ids of every API key a user created (revoked ones included). */
  async apiKeyIdsOf(userId: string): Promise<string[]> {
    const rows = await query<{ id: string }>(this.dataSource, `SELECT id::text FROM api_keys WHERE user_id = $1`, [
      userId,
    ]);
    return rows.map((r) => r.id);
  }
}
