import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO8601,
  IsOptional,
  Matches,
  NotEquals,
  ValidateNested,
} from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class FxRateInputDto {
  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code (not USD: USD is the reporting currency).' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  @NotEquals('USD', { message: 'currency: USD is the reporting currency (its rate is always 1)' })
  currency!: string;
  @ApiProperty({ example: '2026-01-15', description: 'The day the rate applies to (UTC).' })
  @Matches(DAY, { message: 'date must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'date must be a real calendar day' })
  date!: string;
  @ApiProperty({ example: '1.0842', description: 'USD per one unit of the currency (decimal string, > 0).' })
  @Matches(/^(?!0+(\.0+)?$)\d{1,9}(\.\d{1,12})?$/, { message: 'usd_per_unit must be a decimal string above 0' })
  usd_per_unit!: string;
}

export class SetFxRatesDto {
  @ApiProperty({
    type: [FxRateInputDto],
    description: '1 to 1,000 daily rates; an existing (currency, date) is replaced.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => FxRateInputDto)
  rates!: FxRateInputDto[];
  @ApiPropertyOptional({ example: 'ECB reference rates', description: 'Where the rates come from (audit, listing).' })
  @IsOptional()
  @Matches(/^.{1,100}$/, { message: 'source: 1 to 100 characters' })
  source?: string;
}

export class FxRatesQueryDto {
  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string;
  @ApiPropertyOptional({ example: '2026-01-01' }) @IsOptional() @Matches(DAY) from?: string;
  @ApiPropertyOptional({ example: '2026-01-31' }) @IsOptional() @Matches(DAY) to?: string;
}

export class FxRateDto {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '2026-01-15' }) date!: string;
  @ApiProperty({ example: '1.0842' }) usd_per_unit!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class FxRatesDto {
  @ApiProperty({ type: [FxRateDto], description: 'Newest first per currency; at most 1,000 rows.' })
  data!: FxRateDto[];
}

export class SetFxRatesResultDto {
  @ApiProperty({ description: 'Rates added or replaced.' }) stored!: number;
}
