import { SourceHealthDto } from '../sync/sync.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OfferingDto, PriceVersionDto } from '@mph/api-catalog';
import { PageMetaDto, PageQueryDto } from '@mph/api-core';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { SERVICE_TIERS } from '../entities';

export class PricesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Instant (default: now).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ example: 'openai', description: 'Provider slug.' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/)
  provider?: string;

  @ApiPropertyOptional({ example: 'openai/o3', description: 'Model id (or alias).' })
  @IsOptional()
  @Matches(/^[\w.-]{1,100}(\/[\w.-]{1,100})?$/)
  model?: string;

  @ApiPropertyOptional({ enum: SERVICE_TIERS })
  @IsOptional()
  @IsIn(SERVICE_TIERS)
  service_tier?: string;
}

export class PricePointDto {
  @ApiProperty() model_id!: string;
  @ApiProperty({ type: OfferingDto }) offering!: OfferingDto;
  @ApiProperty({ type: PriceVersionDto }) price!: PriceVersionDto;
}

export class PricePointPageDto {
  @ApiProperty({ type: [PricePointDto] }) data!: PricePointDto[];
  @ApiProperty({ type: PageMetaDto }) meta!: PageMetaDto;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ enum: SERVICE_TIERS })
  @IsOptional()
  @IsIn(SERVICE_TIERS)
  service_tier?: string;

  @ApiPropertyOptional({ description: 'Region ("" for the default price).' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{0,40}$/)
  region?: string;
}

export class PriceHistoryDto {
  @ApiProperty({ format: 'uuid' }) offering_id!: string;
  @ApiProperty() model_id!: string;
  @ApiProperty({ type: OfferingDto }) offering!: OfferingDto;
  @ApiProperty() locked!: boolean;
  @ApiProperty({ type: [PriceVersionDto], description: 'Newest first.' }) data!: PriceVersionDto[];
}

const UUID_LIST =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}){0,19}$/i;

export class HistoriesQueryDto extends HistoryQueryDto {
  @ApiProperty({
    example: '0b9c…,7e21…',
    description: '1 to 20 offering ids, comma separated (a model page’s sparklines in one request).',
  })
  @Matches(UUID_LIST, { message: 'offering_ids: 1 to 20 offering ids (UUIDs), comma separated' })
  offering_ids!: string;
}

export class PriceHistoriesDto {
  @ApiProperty({
    type: [PriceHistoryDto],
    description: 'One per offering id, in the order asked; ids that are no (live) offering are left out.',
  })
  data!: PriceHistoryDto[];
}

export class ChangesQueryDto {
  @ApiProperty({ format: 'date-time', description: 'Changes recorded after this instant.' })
  @IsISO8601({ strict: true })
  since!: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page’s meta.next_cursor.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class PriceChangeEventDto {
  @ApiProperty() model_id!: string;
  @ApiProperty({ type: OfferingDto }) offering!: OfferingDto;
  @ApiProperty({ type: PriceVersionDto }) version!: PriceVersionDto;
  @ApiProperty({ type: PriceVersionDto, nullable: true, description: 'The version it replaced, if any.' })
  previous!: PriceVersionDto | null;
}

export class ChangesMetaDto {
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null at the end.' })
  next_cursor!: string | null;
}

export class PriceChangesDto {
  @ApiProperty({ type: [PriceChangeEventDto] }) data!: PriceChangeEventDto[];
  @ApiProperty({ type: ChangesMetaDto }) meta!: ChangesMetaDto;
}

export class RecentChangesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class RecentPriceChangesDto {
  @ApiProperty({
    type: [PriceChangeEventDto],
    description: 'Newest first; only versions that replaced an earlier price (a first price is not a change).',
  })
  data!: PriceChangeEventDto[];
}

export class FeedFreshnessDto {
  @ApiProperty({ type: [SourceHealthDto], description: 'Every price feed, with its last successful sync.' })
  data!: SourceHealthDto[];
}
