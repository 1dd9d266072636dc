import { DataSource } from 'typeorm';
import { migrationStatus, revertLastMigration, runMigrations } from '@mph/api-core';
import { withAppContext } from '../context';

import type { CommandContext } from './command-context';

export function registerMigrate({ program, out, config }: CommandContext): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (or revert the last one / show their state).')
    .option('--revert', 'revert the most recently applied migration')
    .option('--status', 'list migrations and whether each is applied')
    .action(async (opts: { revert?: boolean; status?: boolean }) => {
      const o = out();
      await withAppContext(
        config(),
        async (ctx) => {
          const ds = ctx.get(DataSource);
          if (opts.status) {
            const status = await migrationStatus(ds);
            o.result(status, status.map((m) => `${m.applied ? '[x]' : '[ ]'} ${m.name}`).join('\n'));
          } else if (opts.revert) {
            const before = (await migrationStatus(ds)).filter((m) => m.applied).map((m) => m.name);
            await revertLastMigration(ds);
            const reverted = before.at(-1) ?? null;
            o.result({ reverted }, reverted ? `Reverted ${reverted}` : 'Nothing to revert.');
          } else {
            const applied = (await runMigrations(ds)).map((m) => m.name);
            o.result(
              { applied },
              applied.length ? `Applied ${applied.length}: ${applied.join(', ')}` : 'Database is up to date.',
            );
          }
        },
        { migrationsRun: false, log: (l) => o.info(l) },
      );
    });
}
