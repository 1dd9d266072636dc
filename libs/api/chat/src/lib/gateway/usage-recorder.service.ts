import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Principal } from '@mph/api-core';
import { PricedEvent, UsageIngestService } from '@mph/api-cost-tracking';

interface Pending {
  by: Principal;
  event: PricedEvent;
  done: () => void;
}

/**
 * Events flushed together at most this long after the first is queued, or as soon as this many are waiting: one
 * insert per caller per flush instead of one per call (budgets settle after it, so reservations live this much longer).
 */
const FLUSH_MS = 100;
const FLUSH_AT = 500;

/**
 * Records the gateway's calls (already priced) through usage ingest, off the response path: events are queued, written in batches (one
 * insert per caller per flush, idempotent by transaction id), retried with backoff while the database is away, and
 * flushed before the process exits. `record` resolves once its event is stored (budgets settle after that).
 */
@Injectable()
export class UsageRecorder implements BeforeApplicationShutdown {
  private readonly log = new Logger('UsageRecorder');
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  /** Events waiting or being written: what `/metrics` and shutdown care about. */
  pending = 0;
  private readonly listeners = new Set<(event: PricedEvent) => void>();

  /** Calls `fn` with each event once it is stored; returns the unsubscribe function. */
  onStored(fn: (event: PricedEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  constructor(private readonly ingest: UsageIngestService) {}

  record(by: Principal, event: PricedEvent): Promise<void> {
    this.pending++;
    return new Promise<void>((done) => {
      this.queue.push({ by, event, done });
      if (this.queue.length >= FLUSH_AT) this.kick(0);
      else this.kick(FLUSH_MS);
    });
  }

  private kick(ms: number): void {
    if (this.flushing) return;
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
        if (this.queue.length) this.kick(this.failures ? Math.min(5000, 100 * 2 ** this.failures) : 0);
      });
    }, ms);
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0);
    const byCaller = new Map<string, Pending[]>();
    for (const p of batch) {
      const k = `${p.by.userId}|${p.by.apiKeyId ?? ''}`;
      byCaller.set(k, [...(byCaller.get(k) ?? []), p]);
    }
    for (const group of byCaller.values()) {
      for (let i = 0; i < group.length; i += 1000) {
        const part = group.slice(i, i + 1000);
        try {
          // Matched, priced and its project checked when the call started: stored as it is.
          const result = await this.ingest.store(
            part[0].by,
            part.map((p, index) => ({ ...p.event, e: { ...p.event.e, index } })),
          );
          for (const r of result.results) {
            if (r.status === 'rejected') this.log.error(`A gateway usage event was refused: ${r.reason}`);
          }
          this.failures = 0;
          this.pending -= part.length;
          part.forEach((p) => {
            p.done();
            this.listeners.forEach((fn) => fn(p.event));
          });
        } catch (e) {
          // Kept, in order, for the next attempt: an accepted call is never lost while the process lives.
          this.failures++;
          this.log.warn(`Recording ${part.length} usage event(s) failed (${(e as Error).message}); retrying.`);
          this.queue.unshift(...part);
        }
      }
    }
  }

  /** Resolves once every event recorded so far is stored (tests, and callers that must read their own usage). */
  async drained(): Promise<void> {
    while (this.pending > 0) {
      if (this.flushing) await this.flushing;
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Writes everything still queued before the app closes (the database pool closes after this). */
  async beforeApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((this.queue.length || this.flushing) && Date.now() < deadline) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      if (this.flushing) await this.flushing;
      else if (this.queue.length) {
        this.flushing = this.flush().finally(() => (this.flushing = null));
        await this.flushing;
        if (this.failures) await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (this.queue.length) this.log.error(`${this.queue.length} usage event(s) could not be written before shutdown.`);
  }
}
