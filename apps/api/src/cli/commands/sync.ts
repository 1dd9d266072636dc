import { existsSync } from 'node:fs';
import { ADAPTERS, AdapterName, SyncCounts, SyncRunEntity, SyncService, SyncSourcesService } from '@mph/api-pricing';
import { withAppContext } from '../context';
import { CliError } from '../output';
import { formatBytes } from '../progress';

import type { CommandContext } from './command-context';
import { describeCounts, describeRun, runJson, syncFraction } from './sync-output';

export function registerSync({ program, out, config }: CommandContext): void {
  program
    .command('sync <source>')
    .description(
      'Run a sync source by name, or an adapter (litellm, openrouter, genai-prices, …) on --url or --file as an ad-hoc feed.',
    )
    .option('--url <url>', 'fetch this URL (ad-hoc run of an adapter)')
    .option('--file <path>', 'read this file (ad-hoc run of an adapter)')
    .option('--dry-run', 'compute and print the diff counts; write nothing')
    .action(async (name: string, opts: { url?: string; file?: string; dryRun?: boolean }) => {
      const o = out();
      if (opts.file && !existsSync(opts.file)) throw new CliError(`No file ${opts.file}.`, 2);
      const run = await withAppContext(
        config(),
        async (ctx) => {
          const sync = ctx.get(SyncService);
          const bar = o.progress();
          const request = (adapter: string) => ({
            trigger: 'cli' as const,
            dryRun: Boolean(opts.dryRun),
            onProgress: (phase: string, c: SyncCounts) =>
              bar.update(
                // Hugging Face runs import pages of unknown number: a counter, no share.
                adapter === 'huggingface' ? null : syncFraction(phase, c),
                phase,
                phase === 'fetching' && c.bytes
                  ? `${formatBytes(c.bytes)}${c.bytes_total ? ` of ${formatBytes(c.bytes_total)}` : ''}`
                  : describeCounts({ ...c, bytes: undefined, bytes_total: undefined }).trim(),
              ),
          });
          // The bar ends on the run's outcome, or (on an error) where it stood, before anything else is printed.
          const finish = (run: Promise<SyncRunEntity>) =>
            run.then(
              (r) => {
                bar.done({ fraction: r.status === 'succeeded' ? 1 : null, step: r.status });
                return r;
              },
              (e: unknown) => {
                bar.done();
                throw e;
              },
            );
          if (opts.url || opts.file) {
            if (!(ADAPTERS as readonly string[]).includes(name)) {
              throw new CliError(
                `"${name}" is not an adapter. With --url/--file give one of: ${ADAPTERS.join(', ')}.`,
                2,
              );
            }
            return finish(
              sync.runAdHoc({ adapter: name as AdapterName, url: opts.url, file: opts.file }, request(name)),
            );
          }
          const sources = await ctx.get(SyncSourcesService).list();
          const source = sources.find((s) => s.name === name);
          if (!source) {
            throw new CliError(
              `No sync source "${name}". Sources: ${sources.map((s) => s.name).join(', ') || '(none)'}; ` +
                `or run an adapter on a feed: mph sync litellm --file model_prices.json`,
              2,
            );
          }
          const started = await sync.start(source, request(source.adapter));
          return finish(started.done);
        },
        { log: (l) => o.info(l) },
      );
      o.result(runJson(run), describeRun(run));
      if (run.status === 'failed') throw new CliError(`Sync failed: ${run.error}`, 1);
      if (run.status === 'quarantined') {
        throw new CliError(`Quarantined: ${run.quarantineReason} Review run ${run.id} in the console (Sync runs).`, 3);
      }
    });
}
