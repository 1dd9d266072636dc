import { HttpInterceptorFn } from '@angular/common/http';
import { effect, inject, Injectable, NgZone, signal, untracked } from '@angular/core';
import { ApiConfiguration } from '@mph/admin-api-client';

export type LiveKind = 'prices' | 'sync';

/**
 * The API's live event stream (`GET /api/v1/events`), one per console tab: a counter per kind of change that pages
 * watch to re-read what they show when prices or sync runs change anywhere, without a reload. The browser's
 * EventSource reconnects by itself; without EventSource (tests, old browsers) the counters simply never move.
 */
@Injectable({ providedIn: 'root' })
export class LiveEvents {
  private readonly counters = { prices: signal(0), sync: signal(0) };
  private source: EventSource | null = null;
  private readonly url = `${inject(ApiConfiguration).rootUrl}/api/v1/events`;
  private readonly zone = inject(NgZone);

  private freshDepth = 0;

  /** True while a live event's re-read is issuing its requests (they must not be answered from the browser cache). */
  get reloading(): boolean {
    return this.freshDepth > 0;
  }

  /** Runs a page's re-read; the GETs it sends at once skip the browser's copy of public answers (max-age=60). */
  runFresh(reload: () => void): void {
    this.freshDepth++;
    try {
      reload();
    } finally {
      this.freshDepth--;
    }
  }

  /** How many `kind` events arrived (opens the stream on first use). */
  count(kind: LiveKind): number {
    this.open();
    return this.counters[kind]();
  }

  private open(): void {
    if (this.source || typeof EventSource === 'undefined') return;
    this.source = new EventSource(this.url);
    for (const kind of ['prices', 'sync'] as const) {
      this.source.addEventListener(kind, () => this.zone.run(() => this.counters[kind].update((n) => n + 1)));
    }
  }
}

/**
 * Calls `reload` whenever a `kind` event arrives (not on start: the page loads itself), at once or, with `spreadMs`,
 * after a random delay up to that long. Call in an injection context (a component's constructor or field initialiser).
 */
export function onLiveChange(
  kind: LiveKind | LiveKind[],
  reload: () => void,
  options: { spreadMs?: number } = {},
): void {
  const live = inject(LiveEvents);
  const kinds = Array.isArray(kind) ? kind : [kind];
  let last: number | null = null;
  // Destroyed with the component that created it.
  effect(() => {
    const n = kinds.reduce((sum, k) => sum + live.count(k), 0);
    if (last !== null && n !== last) {
      // Pages every visitor keeps open (the front page) spread their re-reads, so one event is not a burst.
      const spread = options.spreadMs ?? 0;
      if (spread > 0) setTimeout(() => live.runFresh(reload), Math.random() * spread);
      else untracked(() => live.runFresh(reload));
    }
    last = n;
  });
}

/**
 * A re-read after a live event must show the change: public answers carry `max-age=60` for anonymous visitors, so
 * the GETs a re-read sends ask the browser to skip its cached copy (`Cache-Control: no-cache`). HttpClient runs
 * interceptors when a request is subscribed, which a page's load does synchronously inside `runFresh`.
 */
export const liveFreshInterceptor: HttpInterceptorFn = (req, next) =>
  req.method === 'GET' && inject(LiveEvents).reloading
    ? next(req.clone({ setHeaders: { 'Cache-Control': 'no-cache' } }))
    : next(req);
