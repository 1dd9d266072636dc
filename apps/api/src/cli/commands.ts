import { Command } from 'commander';
import type { AppConfig } from '@mph/api-core';
import { Output } from './output';
import type { CommandContext } from './commands/command-context';
import { registerMigrate } from './commands/migrate';
import { registerJobs } from './commands/jobs';
import { registerCreateAdmin } from './commands/create-admin';
import { registerImport } from './commands/import';
import { registerSync } from './commands/sync';
import { registerSources } from './commands/sources';
import { registerExport } from './commands/export';
import { registerEstimate } from './commands/estimate';
import { registerMcp } from './commands/mcp';
import { registerOpenapi } from './commands/openapi';
import { registerReport } from './commands/report';

export { syncFraction } from './commands/sync-output';

/** The `mph` program: each command registers itself from its own file under ./commands. */
export function buildProgram(config: () => AppConfig): Command {
  const program = new Command('mph')
    .description('Model Price Hub command line: the same services as the API, without the HTTP server.')
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride();
  const ctx: CommandContext = { program, out: () => new Output(Boolean(program.opts().json)), config };
  registerMigrate(ctx);
  registerJobs(ctx);
  registerCreateAdmin(ctx);
  registerImport(ctx);
  registerSync(ctx);
  registerSources(ctx);
  registerExport(ctx);
  registerEstimate(ctx);
  registerMcp(ctx);
  registerOpenapi(ctx);
  registerReport(ctx);
  return program;
}
