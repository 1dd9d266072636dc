import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, APP_MODE, AppConfig, AppMode, DataChanges, ResponseCache } from '@mph/api-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { IndexKeeper, KeeperStatus } from './index-keeper';
import type { IndexQuery, IndexResult } from './model-index';
import type { WorkerReply, WorkerRequest } from './search-worker.protocol';

export type { SearchIndexState } from './index-keeper';

export interface SearchIndexStatus extends KeeperStatus {
  engine: 'memory' | 'postgres';
  /** Where the index lives: the API's search worker thread, or its main thread (no worker built: tests). */
  thread: 'worker' | 'main' | null;
}

/** Built next to main.js by the API's webpack config. */
const WORKER_FILE = 'search-worker.js';
const RESTART_MS = 5_000;

/**
 * This instance's in-process search index (docs/search.md): an IndexKeeper in a worker thread (or in this thread
 * where no worker is built), told of every change of the models table — this instance's writes at once, through the
 * response cache's invalidation in the writer's code path; other instances' through the database's notification.
 * `search` answers null whenever PostgreSQL must answer: index off or loading, notifications down (other instances'
 * writes would go unseen), worker gone (it is started again).
 */
@Injectable()
export class SearchIndexService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('SearchIndex');
  private worker: Worker | null = null;
  private keeper: IndexKeeper | null = null;
  private readonly pending = new Map<number, (reply: WorkerReply | null) => void>();
  private nextId = 1;
  private closing = false;
  private restart: NodeJS.Timeout | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_MODE) private readonly mode: AppMode,
    @Optional() private readonly changes?: DataChanges,
    @Optional() private readonly cache?: ResponseCache,
  ) {}

  get enabled(): boolean {
    return this.mode === 'server' && this.config.catalog.searchEngine === 'memory';
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    if (this.changes) {
      this.unsubscribe.push(
        this.changes.subscribe((table) => {
          if (table === null || table === 'models') this.touch();
        }),
      );
    }
    if (this.cache) this.unsubscribe.push(this.cache.onInvalidate((tag) => tag === 'catalog' && this.touch()));
    this.startIndex();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    for (const u of this.unsubscribe) u();
    if (this.restart) clearTimeout(this.restart);
    await this.keeper?.stop();
    const w = this.worker;
    if (w) {
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ type: 'stop' } satisfies WorkerRequest);
      const timer = setTimeout(() => void w.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    }
  }

  /** Something in the models table may have changed. */
  touch(): void {
    if (this.closing) return;
    this.keeper?.touch();
    this.worker?.postMessage({ type: 'touch' } satisfies WorkerRequest);
  }

  /** The index's answer, up to date with every change this instance has heard of; null when PostgreSQL must answer. */
  async search(query: IndexQuery): Promise<IndexResult | null> {
    if (!this.enabled || (this.changes && !this.changes.live)) return null;
    if (this.keeper) return this.keeper.search(query);
    const reply = await this.ask({ type: 'search', id: this.nextId++, query });
    if (reply?.type !== 'result') return null;
    if (reply.error) this.log.warn(`Search index failed a query (${reply.error}); PostgreSQL answered it.`);
    return reply.result;
  }

  async status(): Promise<SearchIndexStatus> {
    const engine = this.config.catalog.searchEngine;
    const off: KeeperStatus = { state: 'off', models: 0, bytes: 0, load_ms: null, loaded_at: null };
    if (this.keeper) return { engine, thread: 'main', ...this.keeper.status() };
    const reply = this.worker ? await this.ask({ type: 'status', id: this.nextId++ }) : null;
    return reply?.type === 'status' ? { engine, thread: 'worker', ...reply.status } : { engine, thread: null, ...off };
  }

  /** Waits until the index is loaded and caught up (tests, benchmarks); false when it is off. */
  async ready(): Promise<boolean> {
    if (this.keeper) return this.keeper.ready();
    const reply = this.worker ? await this.ask({ type: 'ready', id: this.nextId++ }) : null;
    return reply?.type === 'ready' && reply.ok;
  }

  private ask(m: WorkerRequest & { id: number }): Promise<WorkerReply | null> {
    const w = this.worker;
    if (!w) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.pending.set(m.id, resolve);
      w.postMessage(m);
    });
  }

  private startIndex(): void {
    const connection = this.connection();
    const file = join(__dirname, WORKER_FILE);
    if (!existsSync(file)) {
      this.keeper = new IndexKeeper(
        connection,
        (level, message) => this.log[level](message),
        () => this.swapped(),
      );
      this.keeper.start();
      return;
    }
    const w = new Worker(file, { workerData: { connection } });
    this.worker = w;
    w.on('message', (m: WorkerReply) => {
      if (m.type === 'log') this.log[m.level](m.message);
      else if (m.type === 'swapped') this.swapped();
      else {
        const resolve = this.pending.get(m.id);
        this.pending.delete(m.id);
        resolve?.(m);
      }
    });
    w.on('error', (err) => this.log.warn(`Search worker failed (${err.message}).`));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      for (const resolve of this.pending.values()) resolve(null);
      this.pending.clear();
      if (this.closing) return;
      this.log.warn(`Search worker exited (${code}); PostgreSQL answers searches, the index starts again shortly.`);
      this.restart = setTimeout(() => {
        this.restart = null;
        if (!this.closing) this.startIndex();
      }, RESTART_MS);
      this.restart.unref();
    });
  }

  /**
   * A newly loaded index is in service: cached answers computed from the old one (or, at the first load, by SQL) may
   * differ from its answers (rows deleted meanwhile; typo matches), so they go.
   */
  private swapped(): void {
    this.cache?.invalidate('catalog');
  }

  /** The keeper's own connection: the data source's settings (the primary, never the read replica). */
  private connection(): ClientConfig {
    const o = this.dataSource.options as PostgresDataSourceOptions;
    return {
      connectionString: o.url,
      host: o.host,
      port: o.port,
      user: o.username,
      password: typeof o.password === 'string' ? o.password : undefined,
      database: o.database,
      ssl: o.ssl as ClientConfig['ssl'],
      keepAlive: true,
    };
  }
}
