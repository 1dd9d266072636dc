import { Module } from '@nestjs/common';

/** Owns the catalog tables, services and routes; filled in by its own issue. */
@Module({})
export class CatalogModule {}
