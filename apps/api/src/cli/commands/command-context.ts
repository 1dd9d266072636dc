import { Command, InvalidArgumentError } from 'commander';
import type { AppConfig } from '@mph/api-core';
import type { Output } from '../output';

/** What each command's file gets to register itself: the program, the output (text or --json) and the config. */
export interface CommandContext {
  program: Command;
  out: () => Output;
  config: () => AppConfig;
}

export const EXPORT_FORMATS = ['litellm', 'openrouter', 'csv'];

/** A token count option: a whole number from 0 to 10^12, or a usage error. */
export function tokenCount(value: string): number {
  const n = Number(value);
  if (!/^\d{1,13}$/.test(value) || n > 1e12) {
    throw new InvalidArgumentError('expected a whole number of tokens');
  }
  return n;
}
