import type { DataSource, Migration } from 'typeorm';
import { lockSession, unlockSession } from '../jobs/exclusive';

/** One key for "schema changes in progress", so instances starting together migrate one at a time. */
const MIGRATION_LOCK_KEY = 'mph:migrations';

async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await lockSession(runner, MIGRATION_LOCK_KEY);
    return await work();
  } finally {
    await unlockSession(runner, MIGRATION_LOCK_KEY).catch(() => undefined);
    await runner.release();
  }
}

/** Applies pending migrations, each in its own transaction, under an advisory lock. */
export function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
}

/** Reverts the last applied migration. */
export function revertLastMigration(dataSource: DataSource): Promise<void> {
  return withMigrationLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }));
}

export interface MigrationStatus {
  name: string;
  applied: boolean;
}

/** Every known migration and whether it has been applied. */
export async function migrationStatus(dataSource: DataSource): Promise<MigrationStatus[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const exists = await dataSource.query('SELECT to_regclass($1) AS t', [table]);
  const applied = new Set<string>(
    exists[0]?.t ? (await dataSource.query(`SELECT name FROM "${table}"`)).map((r: { name: string }) => r.name) : [],
  );
  return dataSource.migrations.map((m) => ({
    name: m.name ?? m.constructor.name,
    applied: applied.has(m.name ?? m.constructor.name),
  }));
}
