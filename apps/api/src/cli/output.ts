import { ProgressBar } from './progress';

/** Prints for people or, with --json, one JSON document for scripts. */
export class Output {
  constructor(readonly json: boolean) {}

  result(value: unknown, human: string): void {
    process.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
  }

  /** Progress and notes go to stderr so stdout stays parseable. */
  info(line: string): void {
    if (!this.json) process.stderr.write(`${line}\n`);
  }

  /** A progress bar on stderr (drawn in place on a terminal, plain step lines otherwise; nothing with --json). */
  progress(): ProgressBar {
    return new ProgressBar(process.stderr, { enabled: !this.json });
  }
}

/** A failure the user can act on: printed without a stack, exit code 1 (2 for usage errors). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
