import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Queryable, query } from '../database/query';

/**
 * The one hashing of lock names into PostgreSQL advisory-lock keys (64-bit, so distinct names do not collide in
 * practice). Every advisory lock in the code base goes through `runExclusive` or `lockForTransaction`.
 */
const KEY = 'hashtextextended($1, 0)';

export type Exclusive<T> = { ran: true; value: T } | { ran: false };

/** Takes `name`'s transaction-scoped lock in `m`'s transaction (waits for it; released at commit or rollback). */
export async function lockForTransaction(m: Queryable, name: string): Promise<void> {
  await query(m, `SELECT pg_advisory_xact_lock(${KEY})`, [name]);
}

/** Takes `name`'s session lock on a dedicated connection, waiting for it (migrations). */
export async function lockSession(m: Queryable, name: string): Promise<void> {
  await query(m, `SELECT pg_advisory_lock(${KEY})`, [name]);
}

export async function unlockSession(m: Queryable, name: string): Promise<void> {
  await query(m, `SELECT pg_advisory_unlock(${KEY})`, [name]);
}

/**
 * Runs work once across every instance sharing the database: `runExclusive(name, fn)` runs `fn` while holding the
 * advisory lock `name` on a connection of its own, and answers `{ ran: false }` without waiting when another holder
 * has it. The lock is held until `fn` settles (also when it throws), then released with its connection.
 */
@Injectable()
export class ExclusiveRunner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async runExclusive<T>(name: string, fn: () => Promise<T>): Promise<Exclusive<T>> {
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    let locked = false;
    try {
      [{ locked }] = await query<{ locked: boolean }>(lock, `SELECT pg_try_advisory_lock(${KEY}) AS locked`, [name]);
      if (!locked) return { ran: false };
      return { ran: true, value: await fn() };
    } finally {
      if (locked) await unlockSession(lock, name).catch(() => undefined);
      await lock.release();
    }
  }
}
