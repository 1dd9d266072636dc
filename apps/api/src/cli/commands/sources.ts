import { SyncSourcesService } from '@mph/api-pricing';
import { withAppContext } from '../context';

import type { CommandContext } from './command-context';

export function registerSources({ program, out, config }: CommandContext): void {
  const sources = program.command('sources').description('Price sync sources.');
  sources
    .command('list')
    .description('List sync sources with their schedule.')
    .action(async () => {
      const o = out();
      await withAppContext(
        config(),
        async (ctx) => {
          const list = await ctx.get(SyncSourcesService).list();
          o.result(
            list.map((s) => ({
              id: s.id,
              name: s.name,
              adapter: s.adapter,
              url: s.url,
              schedule: s.schedule,
              enabled: s.enabled,
            })),
            list.length
              ? list
                  .map(
                    (s) =>
                      `${s.enabled ? ' ' : '-'} ${s.name.padEnd(18)} ${s.adapter.padEnd(13)} ${(s.schedule ?? 'on demand').padEnd(14)} ${s.url}`,
                  )
                  .join('\n')
              : 'No sync sources.',
          );
        },
        { log: (l) => o.info(l) },
      );
    });
}
