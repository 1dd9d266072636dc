import { Client, ClientConfig } from 'pg';
import { IndexedModel, IndexQuery, IndexResult, ModelIndex } from './model-index';

/** Rows per FETCH while loading or catching up. */
const CHUNK = 5_000;
/** A catch-up longer than this (a big import) is applied in the background; PostgreSQL answers meanwhile. */
const CATCH_UP_INLINE = 20_000;
/** Replaced models above this share of the ordinals: the index is loaded afresh (in the background). */
const REBUILD_DEAD_RATIO = 0.3;
/** Two failures within this time: PostgreSQL answers, the index is loaded again after it. */
const FAILURE_WINDOW_MS = 5 * 60_000;

const COLUMNS = `id, array_to_string(aliases, ' ') AS aliases, display_name, author, array_to_string(tags, ' ') AS tags,
  left(description, 4000) AS description, creator_vendor, pipeline_tag, library_name, license, context_window,
  tool_calling, structured_output, reasoning, vision, open_weights, downloads::float8 AS downloads, likes,
  trending_score, (extract(epoch FROM hf_created_at) * 1000)::float8 AS created,
  (extract(epoch FROM hf_last_modified) * 1000)::float8 AS updated, (deleted_at IS NULL AND listed) AS live`;

interface Row {
  id: string;
  aliases: string;
  display_name: string | null;
  author: string;
  tags: string;
  description: string | null;
  creator_vendor: string | null;
  pipeline_tag: string | null;
  library_name: string | null;
  license: string | null;
  context_window: number | null;
  tool_calling: boolean | null;
  structured_output: boolean | null;
  reasoning: boolean | null;
  vision: boolean | null;
  open_weights: boolean | null;
  downloads: number;
  likes: number;
  trending_score: number;
  created: number | null;
  updated: number | null;
  live: boolean;
}

function indexed(r: Row): IndexedModel {
  return {
    id: r.id,
    aliases: r.aliases,
    displayName: r.display_name,
    author: r.author,
    tags: r.tags,
    description: r.description,
    vendor: r.creator_vendor,
    pipelineTag: r.pipeline_tag,
    library: r.library_name,
    license: r.license,
    contextWindow: r.context_window,
    toolCalling: r.tool_calling,
    structuredOutput: r.structured_output,
    reasoning: r.reasoning,
    vision: r.vision,
    openWeights: r.open_weights,
    downloads: r.downloads,
    likes: r.likes,
    trending: r.trending_score,
    created: r.created,
    updated: r.updated,
  };
}

export type SearchIndexState = 'off' | 'loading' | 'ready' | 'catching-up';

export interface KeeperStatus {
  state: SearchIndexState;
  models: number;
  bytes: number;
  load_ms: number | null;
  loaded_at: string | null;
}

export type KeeperLog = (level: 'log' | 'warn', message: string) => void;

/**
 * Runs one statement on the keeper's pg connection and returns its rows, typed here. The keeper's own form of core's
 * `query` (which expects TypeORM's answers, not pg's QueryResult): the worker thread does not load the API's core.
 */
async function rows<T extends object>(c: Client, sql: string, params: unknown[] = []): Promise<T[]> {
  // eslint-disable-next-line no-restricted-syntax -- the one bare query of the worker thread, see above
  return (await c.query(sql, params)).rows as T[];
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Keeps a ModelIndex equal to the models table, on its own database connection (it runs in the API's search worker
 * thread, or in the main thread where no worker is built: tests).
 *
 * Loading reads every live model inside one REPEATABLE READ transaction and remembers that transaction's snapshot.
 * Catching up reads, again in one snapshot, only the rows whose writing transaction (`models.change_xid`, set by a
 * trigger) was not visible in the previous one: nothing committed is missed, whatever the order of commits, and a
 * lost notification only delays the next catch-up. Row deletions (which the app never does) are logged per statement
 * in `model_removals` and make the index load afresh.
 *
 * `touch` starts a catch-up; a search that arrives while one is due waits for it, so a writer that touched after its
 * commit reads its own write. Until the index is loaded and during a long catch-up, `search` answers null (PostgreSQL
 * answers instead).
 */
export class IndexKeeper {
  private index: ModelIndex | null = null;
  private snapshot: string | null = null;
  private state: SearchIndexState = 'off';
  private dirty = false;
  private refreshing: Promise<void> | null = null;
  private loading: Promise<void> | null = null;
  private closing = false;
  private loadMs: number | null = null;
  private loadedAt: Date | null = null;
  private client: Client | null = null;
  private lastFailure = 0;
  private retry: NodeJS.Timeout | null = null;

  /** `swapped`: a newly loaded index replaced the one in service (answers computed before may differ now). */
  constructor(
    private readonly connection: ClientConfig,
    private readonly log: KeeperLog,
    private readonly swapped: () => void = () => undefined,
  ) {}

  start(): void {
    this.state = 'loading';
    void this.load();
  }

  async stop(): Promise<void> {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    await Promise.allSettled([this.loading, this.refreshing]);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  status(): KeeperStatus {
    return {
      state: this.state,
      models: this.index?.size ?? 0,
      bytes: this.index?.bytes ?? 0,
      load_ms: this.loadMs,
      loaded_at: this.loadedAt?.toISOString() ?? null,
    };
  }

  /** Waits until the index is loaded and caught up. */
  async ready(): Promise<boolean> {
    while (this.loading) await this.loading;
    await this.fresh();
    return this.state === 'ready';
  }

  async search(query: IndexQuery): Promise<IndexResult | null> {
    if (this.state !== 'ready' || !this.index) return null;
    if (this.dirty || this.refreshing) await this.fresh();
    if (this.state !== 'ready' || !this.index) return null;
    return this.index.search(query);
  }

  /** Something in the models table may have changed: catch up now (in the background; searches wait for it). */
  touch(): void {
    if (this.closing) return;
    this.dirty = true;
    if (this.state === 'ready' || this.state === 'catching-up') void this.fresh();
  }

  private fresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = (async () => {
        try {
          while (this.dirty && !this.closing && this.index) {
            this.dirty = false;
            await this.catchUp();
          }
        } catch (err) {
          // Once: load afresh. A second failure soon after is not transient (a schema the index does not know):
          // PostgreSQL answers searches, and the index tries again later, instead of reloading in a loop.
          const now = Date.now();
          const again = now - this.lastFailure < FAILURE_WINDOW_MS;
          this.lastFailure = now;
          if (again) {
            this.log(
              'warn',
              `Search index catch-up failed again (${(err as Error).message}); PostgreSQL answers searches, retrying in ${FAILURE_WINDOW_MS / 60_000} min.`,
            );
            this.state = 'off';
            this.index = null;
            this.retry = setTimeout(() => {
              this.retry = null;
              if (!this.closing) {
                this.state = 'loading';
                void this.load();
              }
            }, FAILURE_WINDOW_MS);
            this.retry.unref();
          } else {
            this.log('warn', `Search index catch-up failed (${(err as Error).message}); loading it afresh.`);
            void this.load();
          }
        } finally {
          this.refreshing = null;
        }
      })();
    }
    return this.refreshing;
  }

  /** Loads the whole index; the old one (if any) serves, and catches up, until the new one is complete. */
  private load(): Promise<void> {
    if (!this.loading) {
      this.loading = (async () => {
        const started = Date.now();
        try {
          const next = new ModelIndex();
          let loaded = 0;
          const snapshot = await this.inSnapshot(async (c) => {
            const [{ snap }] = await rows<{ snap: string }>(c, `SELECT pg_current_snapshot()::text AS snap`);
            // In id order: the index's tie-break ranks come for free.
            await rows(
              c,
              `DECLARE models_load NO SCROLL CURSOR FOR
                 SELECT ${COLUMNS} FROM models WHERE deleted_at IS NULL AND listed ORDER BY id`,
            );
            for (;;) {
              const chunk = await rows<Row>(c, `FETCH ${CHUNK} FROM models_load`);
              for (const r of chunk) next.upsert(indexed(r));
              loaded += chunk.length;
              if (chunk.length < CHUNK || this.closing) break;
              if (loaded % 100_000 === 0)
                this.log('log', `Search index: ${loaded.toLocaleString('en')} models loaded…`);
              await yieldToRequests();
            }
            return snap;
          }, true);
          next.freeze();
          this.index = next;
          this.snapshot = snapshot;
          this.state = 'ready';
          this.swapped();
          this.loadMs = Date.now() - started;
          this.loadedAt = new Date();
          this.log(
            'log',
            `Search index ready: ${next.size.toLocaleString('en')} models in ${this.loadMs} ms (~${Math.round(next.bytes / 1e6)} MB).`,
          );
        } catch (err) {
          if (!this.closing) {
            this.log('warn', `Search index load failed (${(err as Error).message}); PostgreSQL answers searches.`);
            if (!this.index) this.state = 'off';
          }
        } finally {
          this.loading = null;
        }
        // Whatever committed while loading.
        this.dirty = true;
        if (this.index && !this.closing) void this.fresh();
      })();
    }
    return this.loading;
  }

  /** Applies every row committed since the last snapshot. */
  private async catchUp(): Promise<void> {
    const index = this.index;
    const prev = this.snapshot;
    if (!index || !prev) return;
    let applied = 0;
    let rebuild = false;
    const snapshot = await this.inSnapshot(async (c) => {
      const [{ snap, removed }] = await rows<{ snap: string; removed: boolean }>(
        c,
        `SELECT pg_current_snapshot()::text AS snap, EXISTS (
           SELECT 1 FROM model_removals
            WHERE xid >= pg_snapshot_xmin($1::pg_snapshot)::text::bigint
              AND NOT pg_visible_in_snapshot(xid::text::xid8, $1::pg_snapshot)
         ) AS removed`,
        [prev],
      );
      if (removed) {
        rebuild = true;
        return snap;
      }
      await rows(
        c,
        `DECLARE models_changes NO SCROLL CURSOR FOR
           SELECT ${COLUMNS} FROM models
            WHERE change_xid >= pg_snapshot_xmin($1::pg_snapshot)::text::bigint
              AND NOT pg_visible_in_snapshot(change_xid::text::xid8, $1::pg_snapshot)`,
        [prev],
      );
      for (;;) {
        const chunk = await rows<Row>(c, `FETCH ${CHUNK} FROM models_changes`);
        for (const r of chunk) {
          if (r.live) index.upsert(indexed(r));
          else index.remove(r.id);
        }
        applied += chunk.length;
        if (chunk.length < CHUNK || this.closing) break;
        // A long catch-up (an import) must not hold searches: PostgreSQL answers them until it is done.
        if (applied >= CATCH_UP_INLINE) this.state = 'catching-up';
        await yieldToRequests();
      }
      return snap;
    });
    if (this.index !== index) return;
    this.snapshot = snapshot;
    if (this.state === 'catching-up') this.state = 'ready';
    if (rebuild || index.deadRatio > REBUILD_DEAD_RATIO) {
      this.log(
        'log',
        rebuild ? 'Models were deleted: loading the search index afresh.' : 'Reloading the search index.',
      );
      void this.load();
    }
  }

  /**
   * Runs `fn` in one REPEATABLE READ, read-only transaction (one snapshot for every statement). Catch-ups run one at a
   * time on the keeper's connection (opened on first use, again after a failure); a load (`own`) on a connection of
   * its own, so the index in service keeps catching up while its successor loads.
   */
  private async inSnapshot<T>(fn: (c: Client) => Promise<T>, own = false): Promise<T> {
    const c = own ? await this.open() : await this.connect();
    try {
      await rows(c, `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`);
      // A load of a large catalog outlasts any statement timeout.
      await rows(c, `SET LOCAL statement_timeout = 0`);
      const out = await fn(c);
      await rows(c, `COMMIT`);
      if (own) await c.end();
      return out;
    } catch (err) {
      // The connection may be gone: the next catch-up opens another.
      if (this.client === c) this.client = null;
      await c.end().catch(() => undefined);
      throw err;
    }
  }

  private async connect(): Promise<Client> {
    if (!this.client) this.client = await this.open();
    return this.client;
  }

  private async open(): Promise<Client> {
    const c = new Client({ ...this.connection, application_name: 'model-price-hub-search' });
    c.on('error', () => {
      if (this.client === c) this.client = null;
    });
    await c.connect();
    return c;
  }
}
