import { ModelStatsDailyEntity } from './model-stats-daily.entity';
import { ModelEntity } from './model.entity';
import { OfferingEntity } from './offering.entity';
import { VendorEntity } from './vendor.entity';

export { ModelEntity, ModelStatsDailyEntity, OfferingEntity, VendorEntity };
export type { ModelFile } from './model.entity';
export { VENDOR_KINDS } from './vendor.entity';
export type { VendorKind } from './vendor.entity';

/** The tables this lib owns. */
export const CATALOG_ENTITIES = [VendorEntity, ModelEntity, OfferingEntity, ModelStatsDailyEntity];
