import { Controller, MessageEvent, OnModuleDestroy, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataChanges, Public } from '@mph/api-core';
import { buffer, debounceTime, interval, map, mergeMap, merge, Observable, share, Subject, takeUntil } from 'rxjs';

/** Which live event a changed table is: prices (and what prices hang on), or sync runs. */
const KINDS: Record<string, 'prices' | 'sync'> = {
  price_versions: 'prices',
  price_components: 'prices',
  price_locks: 'prices',
  offerings: 'prices',
  sync_runs: 'sync',
};

/** How long changes are gathered into one event: a sync writes thousands of rows in a few statements. */
const GATHER_MS = 250;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 25_000;

/**
 * The console's live updates: one public server-sent event stream saying *that* prices or sync runs changed, on any
 * instance (the database's change notifications), so open pages re-read what they show. It carries no data beyond
 * the kind and the instant: pages read the changes through the usual routes, with their own permissions.
 */
@ApiTags('live')
@Controller()
export class LiveEventsController implements OnModuleDestroy {
  /** Ends every open stream when the app shuts down (an open console tab must not hold the shutdown up). */
  private readonly closing = new Subject<void>();

  constructor(private readonly changes: DataChanges) {}

  onModuleDestroy(): void {
    this.closing.next();
    this.closing.complete();
  }

  @Sse('events')
  @Public()
  @ApiOperation({
    summary:
      'Server-sent events: `prices` when a price changes, `sync` when a sync run starts, moves on or ends (any ' +
      'instance); `ping` every 25 s.',
  })
  @ApiOkResponse({ description: 'text/event-stream; each event’s data is `{"at": "<ISO instant>"}`.' })
  liveEvents(): Observable<MessageEvent> {
    const kinds = new Observable<'prices' | 'sync'>((sub) =>
      this.changes.subscribe((table) => {
        const kind = table ? KINDS[table] : undefined;
        if (kind) sub.next(kind);
      }),
    ).pipe(share());
    const gathered = kinds.pipe(
      buffer(kinds.pipe(debounceTime(GATHER_MS))),
      mergeMap((batch) => [...new Set(batch)]),
      map((type): MessageEvent => ({ type, data: { at: new Date().toISOString() } })),
    );
    const pings = interval(KEEPALIVE_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} })));
    return merge(gathered, pings).pipe(takeUntil(this.closing));
  }
}
