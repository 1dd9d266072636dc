import { IsInstantInRange } from '@mph/api-core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OfferingDto, PriceVersionDto } from '@mph/api-catalog';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { DECIMAL_PATTERN } from '../decimal';
import { SERVICE_TIERS } from '../entities';
import { UNIT_PATTERN } from '../price-units';

const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

export class PriceComponentInputDto {
  @ApiProperty({ example: 'input', description: 'Unit name (lower_snake_case); token units are per 1M tokens.' })
  @Matches(UNIT_PATTERN, { message: 'unit must be lower_snake_case, up to 40 characters' })
  unit!: string;

  @ApiProperty({ example: '1.25', description: 'Non-negative decimal string; "0" means free.' })
  @IsString()
  @Matches(DECIMAL_PATTERN, { message: 'amount must be a non-negative decimal string such as "1.25"' })
  amount!: string;

  @ApiPropertyOptional({ example: 200000, description: 'Cliff tier: prompt strictly above this many tokens.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  prompt_tokens_above?: number;

  @ApiPropertyOptional({ example: '00:30', description: 'UTC time-of-day window start (HH:MM[:SS]).' })
  @IsOptional()
  @Matches(TIME, { message: 'window_start must be HH:MM or HH:MM:SS (UTC)' })
  window_start?: string;

  @ApiPropertyOptional({ example: '16:30', description: 'UTC window end; before the start means it wraps midnight.' })
  @IsOptional()
  @Matches(TIME, { message: 'window_end must be HH:MM or HH:MM:SS (UTC)' })
  window_end?: string;
}

export class SetPriceDto {
  @ApiProperty({ type: [PriceComponentInputDto], description: 'The complete new set of components.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PriceComponentInputDto)
  components!: PriceComponentInputDto[];

  @ApiProperty({ example: 'Vendor cut prices (pricing page, 2025-06-10).', description: 'Why; kept in the audit log.' })
  @IsString()
  @Length(3, 500)
  reason!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'When the price takes effect (default: now). Future dates wait. A date more than 15 minutes in the past ' +
      'rewrites history already used to price usage: it needs `correction: true`.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantInRange()
  effective_from?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Records a back-dated price as a correction (audited as price.corrected; the answer suggests the re-pricing ' +
      'of the usage it touches). Required when effective_from is in the past.',
  })
  @IsOptional()
  @IsBoolean()
  correction?: boolean;

  @ApiPropertyOptional({ enum: SERVICE_TIERS, default: 'standard' })
  @IsOptional()
  @IsIn(SERVICE_TIERS)
  service_tier?: (typeof SERVICE_TIERS)[number];

  @ApiPropertyOptional({ example: 'us-east-1', description: 'Empty or absent for the default price.' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{0,40}$/, { message: 'region must be lowercase letters, digits and dashes' })
  region?: string;

  @ApiPropertyOptional({ example: 'USD', default: 'USD' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as USD' })
  currency?: string;

  @ApiPropertyOptional({ default: false, description: 'Only compute the diff; write nothing.' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}

export class PriceChangeDto {
  @ApiProperty() unit!: string;
  @ApiProperty() prompt_tokens_above!: number;
  @ApiProperty({ type: String, nullable: true }) window_start!: string | null;
  @ApiProperty({ type: String, nullable: true }) window_end!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Amount in force before; null when new.' })
  before!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Amount after; null when removed.' }) after!: string | null;
  @ApiProperty({ enum: ['added', 'removed', 'changed', 'unchanged'] }) change!: string;
  @ApiProperty({ type: String, nullable: true, example: '0.2', description: 'after / before.' }) ratio!: string | null;
}

export class RepriceSuggestionDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive: the next version, or now.' }) to!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty({
    format: 'uuid',
    description: 'The corrected offering: re-prices exactly its calls, whatever spelling of the model they sent.',
  })
  offering_id!: string;
  @ApiProperty() reason!: string;
}

export class PricePreviewDto {
  @ApiProperty({ format: 'uuid' }) offering_id!: string;
  @ApiProperty({ description: 'False for a dry run.' }) applied!: boolean;
  @ApiProperty({ format: 'date-time' }) effective_from!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set when a later version exists.' })
  effective_to!: string | null;
  @ApiProperty({ type: PriceVersionDto, nullable: true, description: 'The version this one closes.' })
  replaces!: PriceVersionDto | null;
  @ApiProperty({ type: [PriceChangeDto] }) changes!: PriceChangeDto[];
  @ApiProperty() currency_changed!: boolean;
  @ApiProperty({ type: PriceVersionDto, nullable: true, description: 'The new version, once applied.' })
  version!: PriceVersionDto | null;
  @ApiPropertyOptional({
    type: RepriceSuggestionDto,
    nullable: true,
    description: 'For a correction: the POST /api/v1/costs/reprice body that re-prices the usage it touches.',
  })
  reprice?: RepriceSuggestionDto | null;
}

export class LockPricesDto {
  @ApiPropertyOptional({ example: 'Negotiated enterprise rate; the public feed is wrong for us.' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  reason?: string;
}

export class PriceLockDto {
  @ApiProperty({ format: 'uuid' }) offering_id!: string;
  @ApiProperty() locked_by!: string;
  @ApiProperty({ format: 'date-time' }) locked_at!: string;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
}

export class BulkPriceDto {
  @ApiProperty({ example: 'together', description: 'Provider slug whose offerings change.' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/)
  provider!: string;

  @ApiProperty({ example: '-10', description: 'Percentage change as a decimal string, -99 to +1000.' })
  @Matches(/^[+-]?\d{1,4}(\.\d{1,6})?$/, { message: 'percent must be a decimal string such as "-10" or "12.5"' })
  percent!: string;

  @ApiPropertyOptional({ type: [String], example: ['input', 'output'], description: 'Units to change (default: all).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(UNIT_PATTERN, { each: true })
  units?: string[];

  @ApiPropertyOptional({ enum: SERVICE_TIERS, default: 'standard' })
  @IsOptional()
  @IsIn(SERVICE_TIERS)
  service_tier?: (typeof SERVICE_TIERS)[number];

  @ApiProperty({ example: 'Together cut every price by 10% on 2026-12-01.' })
  @IsString()
  @Length(3, 500)
  reason!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Default: now. More than 15 minutes in the past needs `correction: true`.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantInRange()
  effective_from?: string;

  @ApiPropertyOptional({ default: false, description: 'Records a back-dated change as a correction (audited).' })
  @IsOptional()
  @IsBoolean()
  correction?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}

export class BulkItemDto {
  @ApiProperty() model_id!: string;
  @ApiProperty({ type: OfferingDto }) offering!: OfferingDto;
  @ApiProperty({ type: [PriceChangeDto] }) changes!: PriceChangeDto[];
}

export class BulkPreviewDto {
  @ApiProperty() applied!: boolean;
  @ApiProperty({ format: 'date-time' }) effective_from!: string;
  @ApiProperty({
    type: [BulkItemDto],
    description: 'Offerings whose price changes (those without a price are skipped).',
  })
  data!: BulkItemDto[];
  @ApiProperty({ description: 'Offerings of the provider with no price in force: left alone.' })
  skipped_unpriced!: number;
}
