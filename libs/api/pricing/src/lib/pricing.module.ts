import { Module } from '@nestjs/common';

/** Owns the pricing tables, services and routes; filled in by its own issue. */
@Module({})
export class PricingModule {}
