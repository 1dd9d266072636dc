import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-author totals as a materialized view, refreshed concurrently by the catalog-stats job. */
export class CatalogStats1763820000000 implements MigrationInterface {
  name = 'CatalogStats1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE MATERIALIZED VIEW author_stats AS
      SELECT author, count(*)::int AS model_count, coalesce(sum(downloads), 0)::bigint AS total_downloads,
             coalesce(sum(likes), 0)::bigint AS total_likes
        FROM models WHERE deleted_at IS NULL GROUP BY author`);
    // A unique index is what REFRESH ... CONCURRENTLY needs.
    await q.query(`CREATE UNIQUE INDEX ux_author_stats_author ON author_stats (author)`);
    await q.query(`CREATE INDEX ix_model_stats_daily_day ON model_stats_daily (day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_model_stats_daily_day`);
    await q.query(`DROP MATERIALIZED VIEW author_stats`);
  }
}
