import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, AuditService, IdentityDirectory } from '@mph/api-auth';
import {
  APP_CONFIG,
  AppConfig,
  checkFeedUrl,
  DataChanges,
  DomainError,
  execute,
  Principal,
  query,
  SecretBox,
} from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';
import { CircuitBreaker } from '../providers/breaker';
import { connectionDto, hint, redacted } from './connection-dto';
import { LOCAL_MODEL } from '../providers/local-echo';
import { listUpstreamModels, UpstreamError, UpstreamTarget } from '../providers/upstream';

export interface ConnectionRow {
  id: string;
  owner_id: string | null;
  owner_email: string | null;
  owner_role: string | null;
  name: string;
  kind: 'openai-compatible' | 'local';
  base_url: string | null;
  provider_slug: string | null;
  api_key_sealed: string | null;
  api_key_hint: string | null;
  enabled: boolean;
  priority: number;
  connect_timeout_ms: number;
  first_token_timeout_ms: number;
  total_timeout_ms: number;
  max_retries: number;
  breaker_failures: number;
  breaker_cooldown_ms: number;
  response_cache_seconds: number;
  created_at: Date;
  updated_at: Date;
}

export interface ServedModel {
  model: string;
  upstream_model: string;
  offering_id: string | null;
}

/** A connection ready to call: its row, models, upstream target (key opened) and circuit breaker. */
export interface LiveConnection {
  row: ConnectionRow;
  models: ServedModel[];
  target: UpstreamTarget;
  breaker: CircuitBreaker;
}

export interface Route {
  connection: LiveConnection;
  model: string;
  upstreamModel: string;
  offeringId: string | null;
}

export interface ConnectionInput {
  name?: string;
  base_url?: string;
  provider?: string | null;
  api_key?: string | null;
  enabled?: boolean;
  priority?: number;
  shared?: boolean;
  connect_timeout_ms?: number;
  first_token_timeout_ms?: number;
  total_timeout_ms?: number;
  max_retries?: number;
  breaker_failures?: number;
  breaker_cooldown_ms?: number;
  response_cache_seconds?: number;
  models?: { model: string; upstream_model?: string; offering_id?: string | null }[];
}

const COLUMNS = `c.id, c.owner_id, c.name, c.kind, c.base_url, c.provider_slug, c.api_key_sealed,
  c.api_key_hint, c.enabled, c.priority, c.connect_timeout_ms, c.first_token_timeout_ms, c.total_timeout_ms,
  c.max_retries, c.breaker_failures, c.breaker_cooldown_ms, c.response_cache_seconds, c.created_at, c.updated_at`;

const isAdmin = (p: Principal) => p.role === 'admin';

/**
 * Provider connections: who may call which upstream for which models. Admin-level connections (no owner) serve
 * everyone, members add their own. The routing table is kept in memory (keys opened once) and reloaded when any
 * instance changes a connection; circuit breakers live here too, one per connection.
 */
@Injectable()
export class ConnectionsService {
  private readonly log = new Logger('Connections');
  private live: Promise<LiveConnection[]> | null = null;
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** Connections owned by a member (not shared): their ids stay out of public places such as metric labels. */
  private readonly privateIds = new Set<string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secrets: SecretBox,
    private readonly audit: AuditService,
    private readonly changes: DataChanges,
    private readonly identity: IdentityDirectory,
  ) {
    changes.subscribe((table) => {
      if (table === null || table === 'provider_connections' || table === 'connection_models') this.live = null;
    });
  }

  /** Every live connection with its models, from memory (reloaded after a change). */
  async connections(): Promise<LiveConnection[]> {
    if (!this.live || !this.changes.live) {
      const generation = this.changes.generation;
      const loading = this.load();
      if (this.changes.live) this.live = loading;
      const loaded = await loading.catch((e) => {
        if (this.live === loading) this.live = null;
        throw e;
      });
      if (this.changes.generation !== generation && this.live === loading) this.live = null;
      return loaded;
    }
    return this.live;
  }

  private async load(): Promise<LiveConnection[]> {
    const stored = await query<Omit<ConnectionRow, 'owner_email' | 'owner_role'>>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM provider_connections c WHERE c.deleted_at IS NULL ORDER BY c.priority, c.name, c.id`,
    );
    const owners = await this.identity.users(stored.flatMap((r) => (r.owner_id ? [r.owner_id] : [])));
    const rows: ConnectionRow[] = stored.map((r) => {
      const owner = r.owner_id ? owners.get(r.owner_id) : undefined;
      return { ...r, owner_email: owner?.email ?? null, owner_role: owner?.role ?? null };
    });
    const models = await query<ServedModel & { connection_id: string }>(
      this.dataSource,
      `SELECT cm.connection_id, cm.model, cm.upstream_model, cm.offering_id FROM connection_models cm ORDER BY cm.model`,
    );
    return rows.map((row) => {
      let apiKey: string | undefined;
      if (row.api_key_sealed) {
        try {
          apiKey = this.secrets.open(row.api_key_sealed);
        } catch (e) {
          this.log.warn(`Connection "${row.name}": its API key cannot be opened (${(e as Error).message}).`);
        }
      }
      let breaker = this.breakers.get(row.id);
      if (!breaker) {
        breaker = new CircuitBreaker({ failures: row.breaker_failures, cooldownMs: row.breaker_cooldown_ms });
        this.breakers.set(row.id, breaker);
      }
      breaker.configure({ failures: row.breaker_failures, cooldownMs: row.breaker_cooldown_ms });
      if (row.owner_id === null) this.privateIds.delete(row.id);
      else this.privateIds.add(row.id);
      const own = models.filter((m) => m.connection_id === row.id);
      return {
        row,
        models: own.map((m) => ({ model: m.model, upstream_model: m.upstream_model, offering_id: m.offering_id })),
        breaker,
        target: {
          id: row.id,
          baseUrl: row.base_url ?? '',
          apiKey,
          connectTimeoutMs: row.connect_timeout_ms,
          firstTokenTimeoutMs: row.first_token_timeout_ms,
          totalTimeoutMs: row.total_timeout_ms,
          allowedHosts: this.allowedHostsFor(row.owner_id, row.owner_role),
        },
      };
    });
  }

  /** The connections that serve `model` for this caller, in failover order (their own first, then by priority). */
  async routes(by: Principal, model: string): Promise<Route[]> {
    const out: (Route & { own: number })[] = [];
    for (const c of await this.connections()) {
      if (!c.row.enabled || (c.row.owner_id !== null && c.row.owner_id !== by.userId)) continue;
      const served = c.models.find((m) => m.model === model);
      if (!served) continue;
      out.push({
        connection: c,
        model,
        upstreamModel: served.upstream_model,
        offeringId: served.offering_id,
        own: c.row.owner_id ? 0 : 1,
      });
    }
    return out
      .sort((a, b) => a.own - b.own || a.connection.row.priority - b.connection.row.priority)
      .map(({ own: _o, ...r }) => r);
  }

  /** The models this caller can reach, for `/v1/models`. */
  async models(by: Principal): Promise<{ model: string; owned_by: string; created: number }[]> {
    const seen = new Map<string, { model: string; owned_by: string; created: number }>();
    for (const c of await this.connections()) {
      if (!c.row.enabled || (c.row.owner_id !== null && c.row.owner_id !== by.userId)) continue;
      for (const m of c.models) {
        if (!seen.has(m.model)) {
          seen.set(m.model, {
            model: m.model,
            owned_by: c.row.provider_slug ?? c.row.name,
            created: Math.floor(new Date(c.row.created_at).getTime() / 1000),
          });
        }
      }
    }
    return [...seen.values()].sort((a, b) => a.model.localeCompare(b.model));
  }

  /** Breaker state per connection, for the console and /metrics. */
  breakerStates(): { id: string; shared: boolean; state: string; level: number; consecutive_failures: number }[] {
    return [...this.breakers].map(([id, b]) => ({
      id,
      shared: !this.privateIds.has(id),
      state: b.state,
      level: b.level,
      consecutive_failures: b.consecutiveFailures,
    }));
  }

  // --- management ---

  async list(by: Principal) {
    const rows = (await this.connections()).filter(
      (c) => isAdmin(by) || c.row.owner_id === null || c.row.owner_id === by.userId,
    );
    return rows.map((c) => connectionDto(c, by));
  }

  async get(by: Principal, id: string) {
    const c = await this.visible(by, id);
    return connectionDto(c, by);
  }

  async create(by: Principal, input: ConnectionInput) {
    if (!input.name || !input.base_url) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'name and base_url are required.', [
        { field: input.name ? 'base_url' : 'name', problems: ['required'] },
      ]);
    }
    if (input.shared && !isAdmin(by)) {
      throw DomainError.forbidden('FORBIDDEN', 'Only admins add connections that serve everyone.');
    }
    this.checkUrl(input.base_url, input.shared ? null : by.userId, by.role);
    const name = input.name.trim();
    const id = await this.dataSource.transaction(async (m) => {
      const [row] = await query<{ id: string }>(
        m,
        `INSERT INTO provider_connections (owner_id, name, kind, base_url, provider_slug, api_key_sealed, api_key_hint,
                                             enabled, priority, connect_timeout_ms, first_token_timeout_ms,
                                             total_timeout_ms, max_retries, breaker_failures, breaker_cooldown_ms,
                                             response_cache_seconds)
           VALUES ($1, $2, 'openai-compatible', $3, $4, $5, $6, $7, $8, coalesce($9, 5000), coalesce($10, 60000),
                   coalesce($11, 600000), coalesce($12, 2), coalesce($13, 5), coalesce($14, 30000), coalesce($15, 0))
           RETURNING id`,
        [
          input.shared ? null : by.userId,
          name,
          input.base_url,
          input.provider ?? null,
          input.api_key ? this.secrets.seal(input.api_key) : null,
          input.api_key ? hint(input.api_key) : null,
          input.enabled ?? true,
          input.priority ?? 100,
          input.connect_timeout_ms ?? null,
          input.first_token_timeout_ms ?? null,
          input.total_timeout_ms ?? null,
          input.max_retries ?? null,
          input.breaker_failures ?? null,
          input.breaker_cooldown_ms ?? null,
          input.response_cache_seconds ?? null,
        ],
      ).catch((e) => this.duplicateName(e, name));
      await this.writeModels(m, row.id, input.models ?? []);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'connection.created',
        targetType: 'provider_connection',
        targetId: row.id,
        after: { ...redacted(input), shared: !!input.shared },
      });
      return row.id as string;
    });
    this.changes.changed('provider_connections');
    return this.get(by, id);
  }

  async update(by: Principal, id: string, input: ConnectionInput) {
    const current = await this.editable(by, id);
    // Who a connection serves is decided when it is created (its owner); a PATCH cannot change it, and says so
    // rather than ignoring the field.
    if (input.shared !== undefined && input.shared !== (current.row.owner_id === null)) {
      throw DomainError.badRequest(
        'VALIDATION_FAILED',
        'shared cannot be changed after a connection is created; create a new connection instead.',
        [{ field: 'shared', problems: ['fixed at creation'] }],
      );
    }
    if (input.base_url) this.checkUrl(input.base_url, current.row.owner_id, current.row.owner_role);
    await this.dataSource.transaction(async (m) => {
      const sets: string[] = [];
      const params: unknown[] = [id];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (input.name !== undefined) set('name', input.name.trim());
      if (input.base_url !== undefined) set('base_url', input.base_url);
      if (input.provider !== undefined) set('provider_slug', input.provider);
      if (input.api_key !== undefined) {
        set('api_key_sealed', input.api_key ? this.secrets.seal(input.api_key) : null);
        set('api_key_hint', input.api_key ? hint(input.api_key) : null);
      }
      for (const k of [
        'enabled',
        'priority',
        'connect_timeout_ms',
        'first_token_timeout_ms',
        'total_timeout_ms',
        'max_retries',
        'breaker_failures',
        'breaker_cooldown_ms',
        'response_cache_seconds',
      ] as const) {
        if (input[k] !== undefined) set(k, input[k]);
      }
      if (sets.length) {
        await execute(
          m,
          `UPDATE provider_connections SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`,
          params,
        ).catch((e) => this.duplicateName(e, input.name ?? current.row.name));
      }
      if (input.models) {
        await execute(m, `DELETE FROM connection_models WHERE connection_id = $1`, [id]);
        await this.writeModels(m, id, input.models);
      }
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'connection.updated',
        targetType: 'provider_connection',
        targetId: id,
        after: redacted(input),
      });
    });
    this.changes.changed('provider_connections');
    return this.get(by, id);
  }

  async remove(by: Principal, id: string): Promise<void> {
    const c = await this.editable(by, id);
    if (c.row.kind === 'local') {
      throw DomainError.conflict(
        'LOCAL_PROVIDER',
        'The built-in local provider cannot be deleted; disable it instead.',
      );
    }
    await this.dataSource.transaction(async (m) => {
      await execute(m, `UPDATE provider_connections SET deleted_at = now(), updated_at = now() WHERE id = $1`, [id]);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'connection.deleted',
        targetType: 'provider_connection',
        targetId: id,
        before: { name: c.row.name, base_url: c.row.base_url },
      });
    });
    this.changes.changed('provider_connections');
  }

  /** Lists the upstream's models with the stored key: proves the URL and key work. */
  async test(by: Principal, id: string) {
    const c = await this.visible(by, id);
    const started = performance.now();
    if (c.row.kind === 'local') return { ok: true, models: [LOCAL_MODEL], latency_ms: 0, error: null };
    try {
      const models = await listUpstreamModels(c.target);
      return { ok: true, models, latency_ms: Math.round(performance.now() - started), error: null };
    } catch (e) {
      const message = e instanceof UpstreamError ? e.message : String(e);
      return { ok: false, models: [], latency_ms: Math.round(performance.now() - started), error: message };
    }
  }

  /**
   * PROVIDER_ALLOWED_HOSTS opens private addresses (a local vLLM or Ollama) to shared connections and admins' own
   * only, unless PROVIDER_ALLOWED_HOSTS_FOR=everyone: a member's connection reaching the server's loopback or LAN
   * could probe internal services.
   */
  private allowedHostsFor(ownerId: string | null, ownerRole: string | null): string[] {
    const { allowedHosts, allowedHostsFor } = this.config.gateway;
    return allowedHostsFor === 'everyone' || ownerId === null || ownerRole === 'admin' ? allowedHosts : [];
  }

  private checkUrl(raw: string, ownerId: string | null, ownerRole: string | null): void {
    const allowed = this.allowedHostsFor(ownerId, ownerRole);
    try {
      checkFeedUrl(
        raw,
        allowed,
        allowed.length ? 'PROVIDER_ALLOWED_HOSTS' : 'PROVIDER_ALLOWED_HOSTS (for shared or admins’ connections)',
      );
    } catch (e) {
      throw DomainError.badRequest('URL_NOT_ALLOWED', (e as Error).message, [
        { field: 'base_url', problems: [(e as Error).message] },
      ]);
    }
  }

  private duplicateName(e: unknown, name: string): never {
    if ((e as { code?: string }).code === '23505') {
      throw DomainError.conflict('CONNECTION_EXISTS', `A connection named "${name}" already exists.`);
    }
    throw e;
  }

  private async writeModels(m: EntityManager, id: string, models: NonNullable<ConnectionInput['models']>) {
    if (!models.length) return;
    const seen = new Set<string>();
    for (const [i, x] of models.entries()) {
      if (seen.has(x.model)) {
        throw DomainError.badRequest('VALIDATION_FAILED', `models[${i}]: "${x.model}" is listed twice.`, [
          { field: `models.${i}.model`, problems: ['listed twice'] },
        ]);
      }
      seen.add(x.model);
    }
    await execute(
      m,
      `INSERT INTO connection_models (connection_id, model, upstream_model, offering_id)
         SELECT $1, x.model, coalesce(x.upstream_model, x.model), x.offering_id
           FROM json_to_recordset($2::json) AS x(model text, upstream_model text, offering_id uuid)`,
      [id, JSON.stringify(models)],
    ).catch((e: { code?: string }) => {
      if (e.code === '23503') {
        throw DomainError.badRequest('OFFERING_NOT_FOUND', 'An offering_id in models does not exist.', [
          { field: 'models', problems: ['unknown offering_id'] },
        ]);
      }
      throw e;
    });
  }

  private async visible(by: Principal, id: string): Promise<LiveConnection> {
    const c = (await this.connections()).find((x) => x.row.id === id);
    if (!c || !(isAdmin(by) || c.row.owner_id === null || c.row.owner_id === by.userId)) {
      throw DomainError.notFound('CONNECTION_NOT_FOUND', 'Connection not found.');
    }
    return c;
  }

  /** Members edit their own; shared (admin-level) connections only admins. */
  private async editable(by: Principal, id: string): Promise<LiveConnection> {
    const c = await this.visible(by, id);
    if (c.row.owner_id === null ? !isAdmin(by) : c.row.owner_id !== by.userId && !isAdmin(by)) {
      if (c.row.owner_id !== null) throw DomainError.notFound('CONNECTION_NOT_FOUND', 'Connection not found.');
      throw DomainError.forbidden('FORBIDDEN', 'Only admins change connections that serve everyone.');
    }
    return c;
  }
}
