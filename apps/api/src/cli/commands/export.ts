import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExportsService } from '@mph/api-pricing';
import { withAppContext } from '../context';
import { CliError } from '../output';

import type { CommandContext } from './command-context';
import { EXPORT_FORMATS } from './command-context';

export function registerExport({ program, out, config }: CommandContext): void {
  program
    .command('export <format>')
    .description(
      'Export current prices as a LiteLLM cost map (litellm), OpenRouter models list (openrouter) or CSV (csv).',
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--at <instant>', 'prices in force at this ISO 8601 instant (default now)')
    .action(async (format: string, opts: { out?: string; at?: string }) => {
      const o = out();
      if (!EXPORT_FORMATS.includes(format)) {
        throw new CliError(`Unknown format "${format}": use one of ${EXPORT_FORMATS.join(', ')}.`, 2);
      }
      const at = opts.at ? new Date(opts.at) : new Date();
      if (Number.isNaN(at.getTime())) throw new CliError(`--at "${opts.at}" is not an ISO 8601 instant.`, 2);
      const body = await withAppContext(config(), async (ctx) => {
        const exports = ctx.get(ExportsService);
        if (format === 'csv') return exports.csv(at);
        const doc = format === 'litellm' ? await exports.litellm(at) : await exports.openrouter(at);
        return `${JSON.stringify(doc, null, 2)}\n`;
      });
      if (!opts.out) {
        process.stdout.write(body);
        return;
      }
      const file = resolve(opts.out);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, body);
      o.result({ file, format, bytes: Buffer.byteLength(body) }, `Wrote ${format} prices to ${file}`);
    });
}
