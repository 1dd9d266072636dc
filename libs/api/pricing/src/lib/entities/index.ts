import { PriceComponentEntity } from './price-component.entity';
import { PriceLockEntity } from './price-lock.entity';
import { PriceVersionEntity } from './price-version.entity';
import { SyncRunEntity } from '../sync/sync-run.entity';
import { SyncSourceEntity } from '../sync/sync-source.entity';

export * from './price-component.entity';
export * from './price-lock.entity';
export * from './price-version.entity';

/**
 * `synchronize: false`: these tables reference offerings (the catalog's table), which TypeORM relations must not
 * cross, and use an exclusion constraint and expression indexes TypeORM cannot describe; the migration owns them.
 */
export const PRICING_ENTITIES = [
  PriceVersionEntity,
  PriceComponentEntity,
  PriceLockEntity,
  SyncSourceEntity,
  SyncRunEntity,
];
