import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OfferingRegistryService } from '@mph/api-catalog';
import { APP_MODE, AppMode, execute, lockForTransaction, query } from '@mph/api-core';
import { ensurePriced } from '@mph/api-pricing';
import { DataSource } from 'typeorm';
import { LOCAL_MODEL } from '../providers/local-echo';

/** Installs the built-in local provider on a server start (once, across instances). */
@Injectable()
export class LocalProviderSeed implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_MODE) private readonly mode: AppMode,
    private readonly registry: OfferingRegistryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.mode === 'server') await this.ensureLocalProvider();
  }

  /**
   * The built-in local provider: a shared connection serving `local/echo`, in the catalog (vendor `local`) with a
   * zero price, so offline demos and tests have a model that streams, reports usage and is priced (at 0).
   */
  async ensureLocalProvider(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await lockForTransaction(m, 'mph:local-provider');
      const ensured = await this.registry.ensure(
        m,
        [
          {
            provider: 'local',
            providerModelId: LOCAL_MODEL,
            modelHint: LOCAL_MODEL,
            displayName: 'Local echo (not a model)',
          },
        ],
        'built-in',
      );
      const offeringId = ensured.ids.get(`local|${LOCAL_MODEL}`);
      if (offeringId) {
        await this.registry.unlistModelOf(m, offeringId);
        await ensurePriced(m, {
          offeringId,
          serviceTier: 'standard',
          region: '',
          effectiveFrom: new Date('1970-01-01T00:00:00Z'),
          currency: 'USD',
          source: 'built-in',
          sourceRef: 'the local echo provider is free',
          components: [
            { unit: 'input', amount: '0' },
            { unit: 'output', amount: '0' },
          ],
        });
      }
      const [existing] = await query<{ id: string }>(
        m,
        `SELECT id FROM provider_connections WHERE kind = 'local' AND owner_id IS NULL AND deleted_at IS NULL`,
      );
      if (existing) return;
      const [c] = await query<{ id: string }>(
        m,
        `INSERT INTO provider_connections (name, kind, provider_slug, priority) VALUES ('Local echo', 'local', 'local', 1000)
         RETURNING id`,
      );
      await execute(
        m,
        `INSERT INTO connection_models (connection_id, model, upstream_model, offering_id) VALUES ($1, $2, $2, $3)`,
        [c.id, LOCAL_MODEL, offeringId ?? null],
      );
    });
  }
}
