import { DomainError } from '@mph/api-core';
import { McpToolsService } from '@mph/api-mcp';
import { withAppContext } from '../context';
import { CliError } from '../output';

import type { CommandContext } from './command-context';
import { tokenCount } from './command-context';

export function registerEstimate({ program, out, config }: CommandContext): void {
  program
    .command('estimate')
    .description('The cost of a call on every offering of a model, cheapest first (the estimate_cost MCP tool).')
    .requiredOption('--model <id>', 'model id, e.g. openai/gpt-4o-mini')
    .option('--input <tokens>', 'prompt tokens (cached ones included)', tokenCount, 0)
    .option('--output <tokens>', 'output tokens (reasoning included)', tokenCount, 0)
    .option('--cache-read <tokens>', 'prompt tokens read from the cache (part of --input)', tokenCount)
    .action(async (opts: { model: string; input: number; output: number; cacheRead?: number }) => {
      const o = out();
      const result = await withAppContext(config(), (ctx) =>
        ctx.get(McpToolsService).estimateCost({
          model: opts.model,
          input_tokens: opts.input,
          output_tokens: opts.output,
          cache_read_tokens: opts.cacheRead,
        }),
      ).catch((e: unknown) => {
        if (e instanceof DomainError) throw new CliError(e.message, e.status === 404 ? 3 : 2);
        throw e;
      });
      const lines = result.offerings.map(
        (x) => `${x.total.padStart(14)} ${x.currency}  ${x.provider} ${x.provider_model_id}`,
      );
      const unpriced = result.unpriced.map((x) => `${'unknown'.padStart(14)}      ${x.provider} (${x.reason})`);
      o.result(
        result,
        [`${result.model_id}: ${opts.input} in, ${opts.output} out`, ...lines, ...unpriced].join('\n') +
          (lines.length ? '' : '\nNo priced offering: the price is unknown (not free).'),
      );
    });
}
