import { Inject, Injectable, Optional } from '@nestjs/common';
import { CATALOG_PRICE_TABLES, DataChanges } from '../database/data-changes';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';

/** What a cached public answer belongs to; a write to that data drops every answer of the tag. */
export type CacheTag = 'catalog' | 'prices' | 'feeds';

interface Entry {
  value: unknown;
  expires: number;
}

/**
 * Server-side cache of public GET answers (bodies, keyed by tag generation and URL), least-recently-used with a TTL.
 * Writers call `invalidate(tag)` in the same code path as their commit, so a reader on this instance never sees an
 * answer older than the last write; other instances drop theirs when the database's change notification arrives
 * (DataChanges, milliseconds after the commit), and the TTL (RESPONSE_CACHE_SECONDS) bounds the rest.
 */
@Injectable()
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<CacheTag, number>();
  private readonly maxEntries: number;
  readonly ttlSeconds: number;
  /** With a read replica, answers computed this soon after a change may be stale: they are served, not kept. */
  private readonly holdOffMs: number;
  private lastChangeAt = 0;
  private readonly listeners = new Set<(tag: CacheTag) => void>();
  hits = 0;
  misses = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Optional() changes?: DataChanges) {
    this.ttlSeconds = config.http.responseCacheSeconds;
    this.maxEntries = config.http.responseCacheMaxEntries;
    this.holdOffMs = config.database.readUrl ? config.database.readMaxLagMs : 0;
    // Prices show in catalog answers (price filters, sorts) and offerings in price answers: any change drops both.
    changes?.subscribe((table) => {
      if (table === null || CATALOG_PRICE_TABLES.has(table)) this.invalidate('catalog', 'prices', 'feeds');
      // The feeds' freshness moves with every sync run, even one that changes no price.
      else if (table === 'sync_runs' || table === 'sync_sources') this.invalidate('feeds');
    });
  }

  get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  key(tag: CacheTag, url: string): string {
    return `${tag}:${this.generations.get(tag) ?? 0}:${url}`;
  }

  get(key: string): unknown | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expires <= Date.now()) {
      if (entry) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    // Re-insert: Map order is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  /**
   * Keeps `value` for `seconds` (at most the configured TTL). `startedAt` is when the answer's computation began: with
   * a read replica, an answer begun within the hold-off after a change may come from a replica that had not caught up,
   * so it is served but not kept.
   */
  set(key: string, value: unknown, seconds: number, startedAt = Date.now()): void {
    const ttl = Math.min(seconds, this.ttlSeconds);
    if (ttl <= 0 || startedAt - this.lastChangeAt < this.holdOffMs) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: Date.now() + ttl * 1000 });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /**
   * Calls `fn` with each tag dropped from now on: this instance's writes (at once) and other instances' changes (on
   * their notification). In-process copies of the same data (the search index) follow them. Returns the unsubscribe.
   */
  onInvalidate(fn: (tag: CacheTag) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Drops every cached answer of `tag` (old keys become unreachable and age out of the LRU). */
  invalidate(...tags: CacheTag[]): void {
    this.lastChangeAt = Date.now();
    for (const tag of tags) {
      for (const fn of this.listeners) fn(tag);
      this.generations.set(tag, (this.generations.get(tag) ?? 0) + 1);
      const prefix = `${tag}:`;
      for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
