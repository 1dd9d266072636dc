import type { DataChanges } from '@mph/api-core';
import { LiveEventsController } from './live-events.controller';

describe('LiveEventsController', () => {
  it('gathers changes into one event per kind, ignores other tables, and ends its streams on shutdown', async () => {
    let listener: (table: string | null) => void = () => undefined;
    const changes = {
      subscribe: (fn: typeof listener) => ((listener = fn), () => undefined),
    } as unknown as DataChanges;
    const controller = new LiveEventsController(changes);
    const seen: string[] = [];
    let completed = false;
    const gathered = new Promise<void>((resolve) =>
      controller.liveEvents().subscribe({
        next: (e) => {
          seen.push(String(e.type));
          if (seen.length === 2) resolve();
        },
        complete: () => (completed = true),
      }),
    );
    listener('price_versions');
    listener('price_components');
    listener('users');
    listener(null);
    listener('sync_runs');
    await gathered;
    expect(seen.sort()).toEqual(['prices', 'sync']);
    controller.onModuleDestroy();
    expect(completed).toBe(true);
  });
});
