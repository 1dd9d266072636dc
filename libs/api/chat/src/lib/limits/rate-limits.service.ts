import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, AuditService, IdentityDirectory, ProjectAccess } from '@mph/api-auth';
import { APP_CONFIG, AppConfig, DataChanges, DomainError, Principal, query } from '@mph/api-core';
import { DataSource } from 'typeorm';
import { BucketCheck, BucketStore, MemoryBucketStore, RedisBucketStore } from './bucket-store';

export interface LimitRow {
  id: string;
  scope: 'api_key' | 'project';
  scope_id: string;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  created_at: Date;
  updated_at: Date;
}

/** Why a call is refused: which limit, and when to retry. */
export class RateLimited extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * Per-key and per-project request and token limits for gateway and chat calls, as token buckets: a call needs one
 * request and its prompt's tokens up front; its output tokens are charged when it ends (so a long answer delays the
 * next calls). Limits are read from memory (dropped on change); the buckets live in Redis when REDIS_URL is set, so
 * all instances count one budget, and in each instance otherwise.
 */
@Injectable()
export class RateLimitsService implements OnModuleDestroy {
  private limits: Promise<Map<string, LimitRow>> | null = null;
  private readonly store: BucketStore;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly changes: DataChanges,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly projects: ProjectAccess,
    private readonly identity: IdentityDirectory,
  ) {
    changes.subscribe((table) => {
      if (table === null || table === 'gateway_limits') this.limits = null;
    });
    this.store = config.redis.url ? new RedisBucketStore(config.redis.url) : new MemoryBucketStore();
  }

  onModuleDestroy(): Promise<void> {
    return this.store.close();
  }

  private load(): Promise<Map<string, LimitRow>> {
    let limits = this.changes.live ? this.limits : null;
    if (!limits) {
      const generation = this.changes.generation;
      limits = query<LimitRow>(this.dataSource, `SELECT * FROM gateway_limits`).then(
        (rows) => new Map(rows.map((r) => [`${r.scope}:${r.scope_id}`, r])),
      );
      if (this.changes.live && this.changes.generation === generation) this.limits = limits;
      limits.catch(() => (this.limits = null));
    }
    return limits;
  }

  private async applicable(by: Principal, project: string | null): Promise<LimitRow[]> {
    const limits = await this.load();
    if (!limits.size) return [];
    return [
      by.apiKeyId ? limits.get(`api_key:${by.apiKeyId}`) : undefined,
      project ? limits.get(`project:${project}`) : undefined,
    ].filter((l): l is LimitRow => !!l);
  }

  /** Admits a call (spending one request and its prompt tokens) or throws RateLimited with the wait. */
  async admit(by: Principal, project: string | null, prompt: () => number): Promise<void> {
    const limits = await this.applicable(by, project);
    if (!limits.length) return;
    const checks: BucketCheck[] = [];
    const reasons: string[] = [];
    for (const l of limits) {
      const who = l.scope === 'api_key' ? 'this API key' : `project "${l.scope_id}"`;
      if (l.requests_per_minute) {
        checks.push({ key: `${l.id}:requests`, capacity: l.requests_per_minute, need: 1, spend: 1 });
        reasons.push(`${l.requests_per_minute} requests per minute for ${who}`);
      }
      if (l.tokens_per_minute) {
        const promptTokens = prompt();
        // A prompt larger than the whole bucket waits for a full bucket, then overdraws it.
        const need = Math.min(promptTokens, l.tokens_per_minute);
        checks.push({ key: `${l.id}:tokens`, capacity: l.tokens_per_minute, need, spend: promptTokens });
        reasons.push(`${l.tokens_per_minute} tokens per minute for ${who}`);
      }
    }
    const { wait, index } = await this.store.admit(checks);
    if (wait > 0) {
      throw new RateLimited(
        `Rate limit reached: ${reasons[index]}. Retry in ${Math.ceil(wait / 1000)} s.`,
        Math.ceil(wait / 1000),
      );
    }
  }

  /** Charges a finished call's output tokens to the token limits that apply. */
  async charge(by: Principal, project: string | null, outputTokens: number): Promise<void> {
    if (outputTokens <= 0) return;
    for (const l of await this.applicable(by, project)) {
      if (l.tokens_per_minute) await this.store.charge(`${l.id}:tokens`, l.tokens_per_minute, outputTokens);
    }
  }

  // --- management (operators and admins) ---

  async list(): Promise<LimitRow[]> {
    return query<LimitRow>(this.dataSource, `SELECT * FROM gateway_limits ORDER BY scope, scope_id`);
  }

  async set(
    by: Principal,
    input: {
      scope: 'api_key' | 'project';
      scope_id: string;
      requests_per_minute?: number | null;
      tokens_per_minute?: number | null;
    },
  ): Promise<LimitRow> {
    if (!input.requests_per_minute && !input.tokens_per_minute) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'Give requests_per_minute, tokens_per_minute or both.', [
        { field: 'requests_per_minute', problems: ['one of the two limits is required'] },
      ]);
    }
    if (input.scope === 'api_key') {
      const key = (await this.identity.apiKeys([input.scope_id])).get(input.scope_id);
      if (!key) throw DomainError.notFound('API_KEY_NOT_FOUND', `No API key ${input.scope_id}.`);
    } else {
      // A project limit is set on the project itself (stored by id): renaming it, or typing another spelling of its
      // name in X-MPH-Project, does not escape it.
      input = { ...input, scope_id: (await this.projects.forManage(by, input.scope_id)).id };
    }
    const row = await this.dataSource.transaction(async (m) => {
      const [r] = await query<LimitRow>(
        m,
        `INSERT INTO gateway_limits (scope, scope_id, requests_per_minute, tokens_per_minute) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope, scope_id) DO UPDATE SET requests_per_minute = EXCLUDED.requests_per_minute,
                tokens_per_minute = EXCLUDED.tokens_per_minute, updated_at = now()
         RETURNING *`,
        [input.scope, input.scope_id, input.requests_per_minute ?? null, input.tokens_per_minute ?? null],
      );
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'gateway_limit.set',
        targetType: 'gateway_limit',
        targetId: r.id,
        after: { ...input },
      });
      return r as LimitRow;
    });
    this.changes.changed('gateway_limits');
    return row;
  }

  async remove(by: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const rows = await query<{ id: string }>(m, `DELETE FROM gateway_limits WHERE id = $1 RETURNING id`, [id]);
      if (!rows.length) throw DomainError.notFound('LIMIT_NOT_FOUND', 'Limit not found.');
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'gateway_limit.deleted',
        targetType: 'gateway_limit',
        targetId: id,
      });
    });
    this.changes.changed('gateway_limits');
  }
}
