import { DataSource } from 'typeorm';

/**
 * Records every row written to any table of a test database (a row trigger on each table appends to
 * `hardening_writes`), so a test can ask "did this request change anything?" without comparing whole tables.
 */
export interface WriteLog {
  /** Remembers where the log is now. */
  mark(): Promise<void>;
  /** `table (n)` for each table written since the last mark. */
  since(): Promise<string[]>;
}

export async function installWriteLog(ds: DataSource): Promise<WriteLog> {
  await ds.query(`
    CREATE TABLE hardening_writes (id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL);
    CREATE FUNCTION hardening_note() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO hardening_writes (tbl, op) VALUES (TG_TABLE_NAME, TG_OP);
      RETURN NULL;
    END $$;`);
  // Plain and partitioned tables (a trigger on a partitioned table covers its partitions), not partitions themselves.
  const tables = (await ds.query(`
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname NOT IN ('hardening_writes', 'migrations')`)) as Array<{ relname: string }>;
  for (const { relname } of tables) {
    await ds.query(
      `CREATE TRIGGER hardening_note AFTER INSERT OR UPDATE OR DELETE ON "${relname}"
         FOR EACH ROW EXECUTE FUNCTION hardening_note()`,
    );
  }
  let last = 0;
  return {
    async mark() {
      const [row] = (await ds.query(`SELECT coalesce(max(id), 0)::int AS id FROM hardening_writes`)) as Array<{
        id: number;
      }>;
      last = row.id;
    },
    async since() {
      const rows = (await ds.query(
        `SELECT tbl || ' ' || lower(op) || ' (' || count(*) || ')' AS w FROM hardening_writes WHERE id > $1
          GROUP BY tbl, op ORDER BY 1`,
        [last],
      )) as Array<{ w: string }>;
      return rows.map((r) => r.w);
    },
  };
}
