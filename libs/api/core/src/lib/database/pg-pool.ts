import type { DataSource } from 'typeorm';

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** Reads node-postgres pool counters from a TypeORM DataSource (PostgreSQL driver). */
export function poolStats(dataSource: DataSource): PoolStats | undefined {
  const pool = (
    dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }
  ).master;
  if (!pool) return undefined;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}
