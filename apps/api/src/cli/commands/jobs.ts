import { JobRegistry, JobRunnerService } from '@mph/api-core';
import { withAppContext } from '../context';
import { CliError } from '../output';

import type { CommandContext } from './command-context';

export function registerJobs({ program, out, config }: CommandContext): void {
  const jobs = program.command('jobs').description('List or run scheduled jobs.');
  jobs
    .command('list')
    .description('List the jobs and their schedules.')
    .action(async () => {
      const o = out();
      await withAppContext(
        config(),
        async (ctx) => {
          const list = ctx
            .get(JobRegistry)
            .list()
            .map((j) => ({ name: j.name, cron: j.cron ?? null, description: j.description }));
          o.result(
            list,
            list.map((j) => `${j.name.padEnd(20)} ${(j.cron ?? 'on demand').padEnd(14)} ${j.description}`).join('\n'),
          );
        },
        { log: (l) => o.info(l) },
      );
    });
  jobs
    .command('run <name>')
    .description('Run a job now (once across all instances; skipped if it is already running).')
    .action(async (name: string) => {
      const o = out();
      await withAppContext(
        config(),
        async (ctx) => {
          const outcome = await ctx.get(JobRunnerService).run(name, { trigger: 'manual' });
          if (outcome.status === 'failed') {
            o.result(outcome, '');
            throw new CliError(`Job ${name} failed: ${outcome.error}`);
          }
          o.result(
            outcome,
            outcome.status === 'succeeded'
              ? `Job ${name} succeeded: ${JSON.stringify(outcome.counts)}`
              : `Job ${name} skipped: it is already running elsewhere.`,
          );
        },
        { log: (l) => o.info(l) },
      );
    });
}
