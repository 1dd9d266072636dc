import { execute } from './query';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { DataSource } from 'typeorm';

/** The channel the change triggers notify (migration DataChangeNotifications1764690000000), payload = table name. */
export const CHANGES_CHANNEL = 'mph_changes';

/** The catalog and price tables: what public answers, model matches and price lookups are made of. */
export const CATALOG_PRICE_TABLES: ReadonlySet<string> = new Set([
  'vendors',
  'models',
  'offerings',
  'base_model_relations',
  'price_versions',
  'price_components',
  'price_locks',
  'offering_match_rules',
  'provider_fallbacks',
]);

/** A table that changed, or null for "anything may have changed" (the feed was lost and is back). */
export type ChangeListener = (table: string | null) => void;

/**
 * Which tables changed, from any instance: statement triggers on the catalog and price tables `NOTIFY` at commit, and
 * this service `LISTEN`s on one dedicated connection. In-process caches (prices, model matches, public answers) use it
 * to drop entries as soon as another instance commits a change. While the connection is down `live` is false and the
 * caches must not serve (they read the database instead); when it is back every listener hears `null` (flush all).
 */
@Injectable()
export class DataChanges implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('DataChanges');
  private readonly listeners = new Set<ChangeListener>();
  private client: Client | null = null;
  private closing = false;
  private retryMs = 250;
  private timer: NodeJS.Timeout | null = null;
  private _live = false;
  /** Bumped on every change: a cache that read before a bump must not store what it read. */
  generation = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get live(): boolean {
    return this._live;
  }

  /** Calls `fn` for each changed table (or null); returns the unsubscribe function. */
  subscribe(fn: ChangeListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Tells this instance's listeners at once that a write it just committed changed `tables` (the notification from
   * the database follows a few milliseconds later, for every instance): a revoked key must fail on the next request.
   */
  changed(...tables: string[]): void {
    for (const t of tables) this.emit(t);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    this._live = false;
    await c?.end().catch(() => undefined);
  }

  private emit(table: string | null): void {
    this.generation++;
    for (const fn of this.listeners) fn(table);
  }

  private async connect(): Promise<void> {
    if (this.closing) return;
    const o = this.dataSource.options as PostgresDataSourceOptions;
    const c = new Client({
      connectionString: o.url,
      host: o.host,
      port: o.port,
      user: o.username,
      password: typeof o.password === 'string' ? o.password : undefined,
      database: o.database,
      ssl: o.ssl as boolean | undefined,
      application_name: 'model-price-hub-changes',
      keepAlive: true,
    });
    c.on('notification', (m) => {
      if (m.channel === CHANGES_CHANNEL) this.emit(m.payload || null);
    });
    c.on('error', () => this.lost(c));
    c.on('end', () => this.lost(c));
    try {
      await c.connect();
      await execute(c, `LISTEN ${CHANGES_CHANNEL}`);
    } catch (err) {
      this.log.warn(`Listening for data changes failed (${(err as Error).message}); caches read the database.`);
      this.lost(c);
      return;
    }
    if (this.closing) {
      await c.end().catch(() => undefined);
      return;
    }
    this.client = c;
    this.retryMs = 250;
    this._live = true;
    this.emit(null);
  }

  private lost(c: Client): void {
    if (this.client && this.client !== c) return;
    this.client = null;
    const wasLive = this._live;
    this._live = false;
    if (wasLive) this.emit(null);
    c.removeAllListeners('end');
    c.end().catch(() => undefined);
    if (this.closing || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
  }
}
