import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { OfferingDto } from './models.dto';

/**
 * How prices look in the public API. The pricing lib fills them (through MODEL_PRICES for the catalog's own routes);
 * the shapes live here because the model pages show prices and the catalog must not depend on pricing.
 */
export class PriceComponentDto {
  @ApiProperty({
    example: 'input',
    description: 'input, output, cache_read, cache_write, cache_write_1h, reasoning, …',
  })
  unit!: string;
  @ApiProperty({ example: '1.25', description: 'Decimal string in the version’s currency, per `per`.' })
  amount!: string;
  @ApiProperty({ enum: ['1M tokens', 'item'] }) per!: string;
  @ApiProperty({
    description: 'Cliff tier: applies when the whole prompt is strictly above this many tokens (0 = base).',
  })
  prompt_tokens_above!: number;
  @ApiProperty({ type: String, nullable: true, example: '00:30:00', description: 'UTC time-of-day window start.' })
  window_start!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '16:30:00', description: 'UTC window end (may wrap).' })
  window_end!: string | null;
}

export class PriceVersionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) offering_id!: string;
  @ApiProperty({ enum: ['standard', 'batch', 'flex', 'priority'] }) service_tier!: string;
  @ApiProperty({ description: 'Empty for the default (global) price.' }) region!: string;
  @ApiProperty({ format: 'date-time' }) effective_from!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null while open.' })
  effective_to!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When we learned this price.' }) recorded_at!: string;
  @ApiProperty({ example: 'manual', description: '`manual` or the sync source it came from.' }) source!: string;
  @ApiProperty({ type: String, nullable: true }) source_ref!: string | null;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: [PriceComponentDto] }) components!: PriceComponentDto[];
}

export class OfferingPriceDto {
  @ApiProperty({ type: OfferingDto }) offering!: OfferingDto;
  @ApiProperty({ description: 'Operators locked this offering: sync leaves its prices alone.' }) locked!: boolean;
  @ApiProperty({
    type: PriceVersionDto,
    nullable: true,
    description: 'Standard tier, default region, in force at `at`; null when unknown.',
  })
  price!: PriceVersionDto | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '11.25',
    description: 'Base input + output per 1M tokens (the "cheapest first" key); null when either is unknown.',
  })
  input_plus_output!: string | null;
}

export class ModelPricesDto {
  @ApiProperty() model_id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [OfferingPriceDto], description: 'Every live offering, cheapest first, unknown prices last.' })
  data!: OfferingPriceDto[];
}

/** Supplied by the pricing lib when it is loaded; the catalog answers 404 for price routes without it. */
export const MODEL_PRICES = Symbol('MODEL_PRICES');

export interface ModelPricesReader {
  pricesOfModel(modelId: string, at: Date): Promise<OfferingPriceDto[]>;
}

/**
 * Supplied by the pricing lib: the SQL of an offering's base prices in force now, for the catalog's search filters and
 * its "cheapest first" sort, which must stay inside one statement to page in the database. The statement text is the
 * pricing lib's (it owns the price tables); the catalog joins it to its offerings.
 */
export const MODEL_PRICE_SQL = Symbol('MODEL_PRICE_SQL');

export interface ModelPriceSql {
  /**
   * A relation (for `CROSS JOIN LATERAL`) with the columns `input`, `output` and `currency`: the offering's base input
   * and output per 1M tokens (standard tier, default region, no prompt tier or time window) in force now; no row when unknown.
   * `offering` is the SQL expression of the offering id.
   */
  basePricesNow(offering: string): string;
}

export class PricesAtQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2025-05-01T00:00:00Z',
    description: 'Instant to price at (default: now).',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
}
