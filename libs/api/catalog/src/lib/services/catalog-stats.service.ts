import { LINEAGE_SQL } from '@mph/api-provenance';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig, DomainError, execute, JobRegistry, query, ResponseCache } from '@mph/api-core';
import { DataSource } from 'typeorm';

export const CATALOG_STATS_JOB = 'catalog-stats';
/** Days of history the trending score looks back over. */
export const TRENDING_WINDOW_DAYS = 7;

export interface CatalogStats {
  totals: { models: number; vendors: number; offerings: number; authors: number; base_model_relations: number };
  by_pipeline_tag: { key: string; count: number }[];
  by_library: { key: string; count: number }[];
  by_license: { key: string; count: number }[];
  by_relation: { key: string; count: number }[];
}

/**
 * Daily catalog statistics: snapshots each model's downloads and likes into model_stats_daily, recomputes the
 * trending score from the growth over the last 7 days, and refreshes the author_stats view.
 *
 * trending_score = (likes gained in the window) + ln(1 + downloads gained in the window), gains measured from the
 * oldest snapshot of the window. Likes dominate (a deliberate act, like the Hub's own score); downloads add a damped
 * signal of use. Models with fewer than two snapshots keep the score they were imported with.
 */
@Injectable()
export class CatalogStatsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobRegistry,
    private readonly cache: ResponseCache,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: CATALOG_STATS_JOB,
      description: 'Snapshots downloads and likes, recomputes trending scores, refreshes author statistics.',
      cron: this.config.catalog.statsCron,
      run: (ctx) => this.refresh(new Date(), (k, n) => ctx.count(k, n)),
    });
  }

  async refresh(now: Date, count: (key: string, n: number) => void = () => undefined): Promise<Record<string, number>> {
    const day = now.toISOString().slice(0, 10);
    const snapshotted = await execute(
      this.dataSource,
      `INSERT INTO model_stats_daily (model_id, day, downloads, likes)
       SELECT id, $1::date, downloads, likes FROM models WHERE deleted_at IS NULL
       ON CONFLICT (model_id, day) DO UPDATE SET downloads = EXCLUDED.downloads, likes = EXCLUDED.likes`,
      [day],
    );
    const scored = await execute(
      this.dataSource,
      `WITH window_start AS (
         SELECT DISTINCT ON (model_id) model_id, downloads, likes
           FROM model_stats_daily WHERE day >= $1::date - $2::int AND day < $1::date
          ORDER BY model_id, day
       )
       UPDATE models m
          SET trending_score = greatest(m.likes - w.likes, 0) + ln(1 + greatest(m.downloads - w.downloads, 0))
         FROM window_start w
        WHERE w.model_id = m.id AND m.deleted_at IS NULL
          AND m.trending_score IS DISTINCT FROM greatest(m.likes - w.likes, 0) + ln(1 + greatest(m.downloads - w.downloads, 0))`,
      [day, TRENDING_WINDOW_DAYS],
    );
    await execute(this.dataSource, `REFRESH MATERIALIZED VIEW CONCURRENTLY author_stats`);
    const [{ authors }] = await query<{ authors: number }>(
      this.dataSource,
      `SELECT count(*)::int AS authors FROM author_stats`,
    );
    this.cache.invalidate('catalog');
    const counts = { snapshotted: snapshotted ?? 0, trending_updated: scored ?? 0, authors };
    for (const [k, v] of Object.entries(counts)) count(k, v);
    return counts;
  }

  async stats(): Promise<CatalogStats> {
    const [totals] = await query<CatalogStats['totals']>(
      this.dataSource,
      `SELECT (SELECT count(*) FROM models WHERE deleted_at IS NULL AND listed)::int AS models,
              (SELECT count(*) FROM vendors WHERE deleted_at IS NULL)::int AS vendors,
              (SELECT count(*) FROM offerings WHERE deleted_at IS NULL)::int AS offerings,
              (SELECT count(*) FROM author_stats)::int AS authors,
              ${LINEAGE_SQL.edgeCount}::int AS base_model_relations`,
    );
    const by = (column: string) =>
      query<{ key: string; count: number }>(
        this.dataSource,
        `SELECT ${column} AS key, count(*)::int AS count FROM models WHERE deleted_at IS NULL AND listed AND ${column} IS NOT NULL
          GROUP BY ${column} ORDER BY count DESC, key LIMIT 25`,
      );
    const [byPipeline, byLibrary, byLicense, byRelation] = await Promise.all([
      by('pipeline_tag'),
      by('library_name'),
      by('license'),
      query<{ key: string; count: number }>(this.dataSource, LINEAGE_SQL.byRelation),
    ]);
    return {
      totals,
      by_pipeline_tag: byPipeline,
      by_library: byLibrary,
      by_license: byLicense,
      by_relation: byRelation,
    };
  }

  async author(author: string): Promise<{
    author: string;
    model_count: number;
    total_downloads: number;
    total_likes: number;
    top_models: string[];
  }> {
    const rows = await query<{ author: string; model_count: number; total_downloads: number; total_likes: number }>(
      this.dataSource,
      `SELECT author, model_count, total_downloads::float8 AS total_downloads, total_likes::float8 AS total_likes FROM author_stats WHERE author = $1`,
      [author],
    );
    if (!rows.length)
      throw DomainError.notFound(
        'AUTHOR_NOT_FOUND',
        `No models by "${author.slice(0, 100)}" (author statistics refresh daily).`,
      );
    const top = await query<{ id: string }>(
      this.dataSource,
      `SELECT id FROM models WHERE author = $1 AND deleted_at IS NULL ORDER BY downloads DESC, id LIMIT 5`,
      [author],
    );
    return { ...rows[0], top_models: top.map((t) => t.id) };
  }
}
