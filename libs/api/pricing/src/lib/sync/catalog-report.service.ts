import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CatalogReportService } from '@mph/api-catalog';
import { query } from '@mph/api-core';
import { DataSource } from 'typeorm';
import type { CatalogReportDto } from './catalog-report.dto';
import { ReconciliationService } from './reconciliation.service';

/**
 * The whole catalog as the feeds built it, for operators (`GET /catalog-report`, `mph report`): models and offerings,
 * how offerings were linked to models, offerings per model, feeds per offering, unresolved and ambiguous ids, held
 * prices, capability conflicts, price disagreements and the sources' freshness.
 */
@Injectable()
export class IdentityReportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogReportService,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async report(sampleSize = 20): Promise<CatalogReportDto> {
    const [identity, feeds, held, disagreements] = await Promise.all([
      this.catalog.identity(sampleSize),
      query<{ feeds: number; offerings: number }>(
        this.dataSource,
        `SELECT least(x.feeds, 3) AS feeds, count(*)::int AS offerings FROM (
           SELECT o.offering_id, count(DISTINCT o.source_id)::int AS feeds FROM sync_observations o
             JOIN sync_sources s ON s.id = o.source_id AND s.deleted_at IS NULL
            GROUP BY 1) x
          WHERE x.offering_id = ANY($1::uuid[])
          GROUP BY 1`,
        [await this.catalog.liveOfferingIds()],
      ),
      query<{ status: string; n: number }>(
        this.dataSource,
        `SELECT status, count(*)::int AS n FROM held_prices GROUP BY 1`,
      ),
      this.reconciliation.disagreements({ minDiffPct: '5', offset: 0, limit: 0 }),
    ]);
    const observed = feeds.reduce((s, f) => s + f.offerings, 0);
    const heldBy = (status: string) => held.find((h) => h.status === status)?.n ?? 0;
    return {
      generated_at: new Date().toISOString(),
      ...identity,
      offerings: {
        ...identity.offerings,
        by_feeds: [
          { key: '0', count: identity.offerings.live - observed },
          ...[1, 2, 3].map((n) => ({
            key: n === 3 ? '3+' : String(n),
            count: feeds.find((f) => f.feeds === n)?.offerings ?? 0,
          })),
        ],
      },
      held_prices: {
        held: heldBy('held'),
        approved: heldBy('approved'),
        rejected: heldBy('rejected'),
        superseded: heldBy('superseded'),
      },
      price_disagreements: disagreements.total,
      sources: disagreements.sources,
    };
  }
}
