import { Module } from '@nestjs/common';

/** Owns the cost-tracking tables, services and routes; filled in by its own issue. */
@Module({})
export class CostTrackingModule {}
