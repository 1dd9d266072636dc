import { existsSync } from 'node:fs';
import { syncFetchOptions } from '@mph/api-core';
import { hfPageGetter, HfImportService, readHfFile, readHfUrl } from '@mph/api-catalog';
import { withAppContext } from '../context';
import { CliError } from '../output';

import type { CommandContext } from './command-context';

export function registerImport({ program, out, config }: CommandContext): void {
  const imports = program.command('import').description('Import catalog data.');
  imports
    .command('hf <source>')
    .description(
      'Import Hugging Face Hub model records from a JSON/NDJSON file or a Hub API URL (followed through its Link pages).',
    )
    .option('--max-pages <n>', 'stop after this many pages of a URL', (v) => Number(v))
    .action(async (source: string, opts: { maxPages?: number }) => {
      const o = out();
      const isUrl = /^https?:\/\//.test(source);
      if (!isUrl && !existsSync(source))
        throw new CliError(`No file ${source}. Give a JSON/NDJSON file or an http(s) URL.`, 2);
      const cfg = config();
      await withAppContext(
        cfg,
        async (ctx) => {
          // A URL goes through the sync's feed client: private and loopback addresses only when SYNC_ALLOWED_HOSTS
          // names the host, with its timeout, size cap and retries.
          const getPage = hfPageGetter(syncFetchOptions(cfg.sync));
          const pages = isUrl ? readHfUrl(source, { maxPages: opts.maxPages, getPage }) : readHfFile(source);
          const bar = o.progress();
          let pagesRead = 0;
          const result = await ctx
            .get(HfImportService)
            .import(pages, (c, page) => {
              pagesRead++;
              const fraction = page.total ? c.records / page.total : opts.maxPages ? pagesRead / opts.maxPages : null;
              bar.update(
                fraction,
                isUrl ? `page ${pagesRead}${opts.maxPages ? `/${opts.maxPages}` : ''}` : 'importing',
                `${c.records}${page.total ? `/${page.total}` : ''} records (${c.created} new, ${c.updated} updated, ` +
                  `${c.unchanged} unchanged, ${c.skipped} skipped)`,
              );
            })
            .finally(() => bar.done());
          const c = result.counts;
          o.result(
            result,
            `Imported ${c.records} records: ${c.created} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped; ` +
              `${c.edges_written} lineage edges written, ${c.edges_removed} removed.` +
              (result.problems.length ? `\nSkipped:\n  ${result.problems.join('\n  ')}` : ''),
          );
        },
        { log: (l) => o.info(l) },
      );
    });
}
