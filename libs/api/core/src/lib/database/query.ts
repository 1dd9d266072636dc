/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Runs one statement and returns its rows, typed at the call site: `query<{ id: string }>(db, sql, params)`. The one
 * place a bare `.query(` is allowed (a lint rule enforces it), so every row shape is written down where it is read.
 * For `SELECT` and `… RETURNING` (any statement); `execute` answers how many rows a statement touched.
 */
export async function query<T extends object>(
  db: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const r = await db.query(sql, params as unknown[]);
  // TypeORM answers UPDATE/DELETE … RETURNING with [rows, affected]; rows are objects, never arrays.
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return r[0] as T[];
  return r as T[];
}

/** Runs a statement for its effect; resolves with the number of rows it touched when the driver says. */
export async function execute(db: Queryable, sql: string, params: readonly unknown[] = []): Promise<number | null> {
  const r = await db.query(sql, params as unknown[]);
  // TypeORM's PostgreSQL driver answers UPDATE/DELETE with [rows, affected] and other statements with rows.
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return r[1];
  return Array.isArray(r) ? r.length : null;
}
