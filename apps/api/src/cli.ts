import 'reflect-metadata';
import { CommanderError } from 'commander';
import { ConfigError, loadConfig } from '@mph/api-core';
import { buildProgram } from './cli/commands';
import { CliError } from './cli/output';

async function main(): Promise<number> {
  const program = buildProgram(() => loadConfig());
  try {
    await program.parseAsync(process.argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

main().then((code) => process.exit(code));
