import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@mph/api-core';
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

  /** A strong random password (24 characters, ~144 bits) for generated and reset passwords. */
  generate(): string {
    return randomBytes(18).toString('base64url');
  }
}
