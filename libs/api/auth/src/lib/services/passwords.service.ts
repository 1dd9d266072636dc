import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, DomainError } from '@mph/api-core';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';

/** bcrypt with the configured cost; a constant-time path for unknown users so timing does not reveal them. */
@Injectable()
export class PasswordsService {
  private dummyHash?: Promise<string>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.auth.bcryptCost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /** Spends the same time as a real check, for a login with an unknown email. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), this.config.auth.bcryptCost);
    await bcrypt.compare(password, await this.dummyHash);
    return false;
  }

  /**
   * Refuses a password that is long enough but easy to guess: common passwords and their variants ("Password123!",
   * "qwertyuiop12"), keyboard walks, dates, repeats, and the user's own email, scored by zxcvbn-ts with its bundled
   * common-password and word lists (no network). Scores 0–2 of 4 are refused, with zxcvbn's hint.
   */
  assertHardToGuess(password: string, userInputs: string[] = []): void {
    const result = guesser().check(
      password.slice(0, 100),
      userInputs.flatMap((u) => [u, ...u.split(/[@.+_-]/)]),
    );
    if (result.score >= 3) return;
    const hint = result.feedback.warning ? ` (${WARNINGS[result.feedback.warning] ?? 'a common pattern'})` : '';
    throw DomainError.badRequest(
      'WEAK_PASSWORD',
      `This password is too easy to guess${hint}. Use a longer passphrase of unrelated words, or a password manager.`,
      [{ field: 'password', problems: ['too easy to guess'] }],
    );
  }

  /** A strong random password (24 characters, ~144 bits) for generated and reset passwords. */
  generate(): string {
    return randomBytes(18).toString('base64url');
  }
}

/** zxcvbn's warning keys in words (its translations are a separate package). */
const WARNINGS: Record<string, string> = {
  straightRow: 'a straight row of keys',
  keyPattern: 'a keyboard pattern',
  simpleRepeat: 'a repeated character',
  extendedRepeat: 'a repeated pattern',
  sequences: 'a sequence such as abc or 123',
  recentYears: 'a recent year',
  dates: 'a date',
  topTen: 'one of the ten most used passwords',
  topHundred: 'one of the hundred most used passwords',
  common: 'a commonly used password',
  similarToCommon: 'close to a commonly used password',
  wordByItself: 'a single word',
  namesByThemselves: 'a single name',
  commonNames: 'a common name',
  userInputs: 'your own name or email',
  pwned: 'a password found in data breaches',
};

let factory: ZxcvbnFactory | undefined;
/** Built on first use: loading the dictionaries takes a few tens of milliseconds. */
function guesser(): ZxcvbnFactory {
  if (!factory) {
    // Loaded on first use: the word lists are megabytes of heap that a process checking no password never needs.
    const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const { adjacencyGraphs, dictionary } =
      require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    factory = new Factory({ dictionary, graphs: adjacencyGraphs });
  }
  return factory;
}
