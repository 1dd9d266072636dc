import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class CountDto {
  @ApiProperty() key!: string;
  @ApiProperty() count!: number;
}

export class CatalogTotalsDto {
  @ApiProperty() models!: number;
  @ApiProperty() vendors!: number;
  @ApiProperty() offerings!: number;
  @ApiProperty() authors!: number;
  @ApiProperty() base_model_relations!: number;
}

export class CatalogStatsDto {
  @ApiProperty({ type: CatalogTotalsDto }) totals!: CatalogTotalsDto;
  @ApiProperty({ type: [CountDto] }) by_pipeline_tag!: CountDto[];
  @ApiProperty({ type: [CountDto] }) by_library!: CountDto[];
  @ApiProperty({ type: [CountDto] }) by_license!: CountDto[];
  @ApiProperty({ type: [CountDto] }) by_relation!: CountDto[];
}

export class AuthorDto {
  @ApiProperty() author!: string;
  @ApiProperty() model_count!: number;
  @ApiProperty() total_downloads!: number;
  @ApiProperty() total_likes!: number;
  @ApiProperty({ type: [String], description: 'Most downloaded first.' }) top_models!: string[];
}

export class TrendingQueryDto {
  @ApiPropertyOptional({ example: 'text-generation' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  pipeline_tag?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class CompareQueryDto {
  @ApiProperty({
    description: '2 to 6 model ids, comma-separated.',
    example: 'openai/gpt-4o,anthropic/claude-sonnet-4.5',
  })
  @IsString()
  @MaxLength(1300)
  ids!: string;
}
