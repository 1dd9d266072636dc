import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { API_FLAVORS } from '@mph/cost-engine';
import { Type } from 'class-transformer';
import {
  IsDefined,
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

/** Normalized usage (genai-prices' convention): parts are counted inside their totals. */
export class UsageDto {
  @ApiPropertyOptional({ minimum: 0, description: 'Every prompt token, cache reads and writes included.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  input_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  cache_read_tokens?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Cache writes without a stated TTL (priced as 5-minute writes).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  cache_write_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  cache_write_5m_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  cache_write_1h_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  input_audio_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  cache_audio_read_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  input_image_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  input_video_tokens?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Every output token, reasoning included.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  output_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  output_reasoning_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  output_audio_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  output_image_tokens?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  requests?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  web_searches?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Images generated.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  images?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Images sent, where priced per image.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  input_images?: number;
}

export class EstimateDto {
  @ApiProperty({
    example: 'anthropic',
    description: 'As the feeds spell it: openai, anthropic, google, aws, x-ai, vertex_ai, bedrock, gemini, …',
  })
  @IsString()
  @Length(1, 64)
  provider!: string;

  @ApiProperty({
    example: 'claude-sonnet-4-5-20250929',
    description: 'As the client sent it; prefixes, dates and -latest are understood.',
  })
  @IsString()
  @Length(1, 200)
  model!: string;

  @ApiProperty({ type: UsageDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => UsageDto)
  usage!: UsageDto;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the call happened (default now): its price is the one in force then.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  timestamp?: string;

  @ApiPropertyOptional({ enum: ['standard', 'batch', 'flex', 'priority'], default: 'standard' })
  @IsOptional()
  @IsIn(['standard', 'batch', 'flex', 'priority'])
  service_tier?: 'standard' | 'batch' | 'flex' | 'priority';

  @ApiPropertyOptional({ example: 'us-east-1' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{0,40}$/)
  region?: string;

  @ApiPropertyOptional({ example: 'genai-prices', description: 'Price with this sync source’s latest report instead.' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/)
  source?: string;
}

export class CostLineDto {
  @ApiProperty({ example: 'cache_read' }) part!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ example: 'cache_read', description: 'The rate used (a part without its own rate uses its parent’s).' })
  rate_unit!: string;
  @ApiProperty({ example: '0.3' }) rate!: string;
  @ApiProperty({ example: '0.024' }) amount!: string;
}

export class MatchReasonDto {
  @ApiProperty({
    enum: ['provider_model_id', 'model_id', 'alias', 'match_rule', 'offering'],
    description:
      "How the model as sent reached the offering: the provider's own id, a catalog model id or alias the provider " +
      "offers, a feed's match rule, or the offering named by id.",
  })
  via!: string;
  @ApiProperty({ example: 'gpt-4o', description: 'The spelling that matched (the model as sent, or normalized).' })
  spelling!: string;
  @ApiProperty({ description: 'True when a prefix, region profile, date or -latest was removed to match.' })
  normalized!: boolean;
  @ApiPropertyOptional({ description: 'For match_rule: the sync source that stated the rule.' })
  rule_source?: string;
}

export class EstimateResultDto {
  @ApiProperty({ example: '0.1065', description: 'Decimal string, full precision.' }) total!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { input: '0.03', output: '0.015' },
  })
  breakdown!: Record<string, string>;
  @ApiProperty({ type: [CostLineDto] }) lines!: CostLineDto[];
  @ApiProperty({ description: 'Prompt-size tier applied (0 = base).' }) tier!: number;
  @ApiProperty({ example: 'anthropic/claude-sonnet-4.5' }) resolved_model!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() provider_model_id!: string;
  @ApiProperty({ format: 'uuid' }) offering_id!: string;
  @ApiProperty({ type: MatchReasonDto }) matched!: MatchReasonDto;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Null when priced from a source’s report.',
  })
  price_version_id!: string | null;
  @ApiProperty({ description: 'Where the price came from: manual, demo, or a sync source.' }) price_source!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class ExtractDto {
  @ApiPropertyOptional({ example: 'openai', description: 'Helps tell shapes apart (xAI counts reasoning apart).' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  provider?: string;

  @ApiPropertyOptional({ enum: API_FLAVORS })
  @IsOptional()
  @IsIn(API_FLAVORS)
  api_flavor?: (typeof API_FLAVORS)[number];

  @ApiProperty({
    description: 'The provider’s response body (object), its stream events (array), or the raw SSE text.',
    oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }, { type: 'string' }],
  })
  @IsDefined()
  response!: unknown;

  @ApiPropertyOptional({ description: 'Model to price with (default: the one the response names).' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  model?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  timestamp?: string;
}

export class ExtractResultDto {
  @ApiProperty({ type: UsageDto }) usage!: UsageDto;
  @ApiProperty({ enum: API_FLAVORS }) flavor!: string;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({
    type: EstimateResultDto,
    nullable: true,
    description: 'When the provider and model are known and priced.',
  })
  cost!: EstimateResultDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why there is no cost, when there is none.' })
  cost_error!: string | null;
}
