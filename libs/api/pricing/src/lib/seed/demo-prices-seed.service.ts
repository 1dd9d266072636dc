import { OfferingDirectoryService } from '@mph/api-catalog';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { lockForTransaction, query, ResponseCache } from '@mph/api-core';
import { DataSource } from 'typeorm';
import { applyPlan, planVersion } from '../services/price-writer';
import { DEMO_PRICES } from './demo-prices';

/** Gives the demo catalog's offerings their built-in prices, once, when no price is known yet. */
@Injectable()
export class DemoPricesSeedService {
  private readonly log = new Logger('DemoPricesSeed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cache: ResponseCache,
    private readonly offerings: OfferingDirectoryService,
  ) {}

  /** Returns the number of versions written (0 when prices already exist). */
  async seedIfEmpty(): Promise<number> {
    const written = await this.dataSource.transaction(async (m) => {
      // One seeder at a time across instances; the second finds the table filled.
      await lockForTransaction(m, 'mph:demo-prices-seed');
      const [{ any }] = await query<{ any: boolean }>(
        m,
        `SELECT EXISTS (SELECT 1 FROM price_versions WHERE source <> 'built-in') AS any`,
      );
      if (any) return 0;
      const offerings = await this.offerings.list({}, m);
      const byKey = new Map(offerings.map((o) => [`${o.provider}|${o.provider_model_id}`, o.id]));
      let n = 0;
      for (const p of DEMO_PRICES) {
        const offeringId = byKey.get(`${p.provider}|${p.providerModelId}`);
        if (!offeringId) continue;
        const plan = await planVersion(m, {
          offeringId,
          serviceTier: p.serviceTier ?? 'standard',
          region: '',
          effectiveFrom: new Date(`${p.from}T00:00:00Z`),
          currency: 'USD',
          source: 'demo',
          sourceRef: 'built-in demo prices (public list prices)',
          components: p.components,
        });
        await applyPlan(m, plan);
        n++;
      }
      return n;
    });
    if (written) {
      this.cache.invalidate('prices');
      this.log.log(`Demo prices: ${written} price versions for the demo offerings.`);
    }
    return written;
  }
}
