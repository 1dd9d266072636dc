import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { API_FLAVORS, UNITS } from '@mph/cost-engine';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
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

/** Normalized usage: one optional whole-number field per unit of the registry (genai-prices' units.yml + LiteLLM's). */
export class UsageDto {
  [unit: string]: number | undefined;
}

const USAGE_DESCRIPTIONS: Record<string, string> = {
  input_tokens: 'Every prompt token: cache reads and writes, audio, image, video and tool-use prompt tokens included.',
  output_tokens: 'Every output token: reasoning, audio, image and citation tokens included.',
  cache_write_tokens: 'Every cache write; cache_write_5m_tokens and cache_write_1h_tokens are parts of it.',
  requests: 'Calls (default 1 when the price has a per-request rate).',
  images: 'Images generated.',
  input_images: 'Images sent, where priced per image.',
};

// One property per registry unit, each validated the same way: the registry is the single list of what usage may hold.
for (const unit of UNITS) {
  const parents = [...unit.ancestors].map((i) => UNITS[i].key);
  const description =
    USAGE_DESCRIPTIONS[unit.key] ??
    `${unit.perToken ? 'Tokens' : 'Count'} (${unit.family}${unit.direction ? `, ${unit.direction}` : ''})` +
      (parents.length ? `; part of ${parents.join(', ')}.` : '.');
  const target = UsageDto.prototype;
  ApiPropertyOptional({ type: 'integer', minimum: 0, description })(target, unit.key);
  IsOptional()(target, unit.key);
  IsInt()(target, unit.key);
  Min(0)(target, unit.key);
  Max(Number.MAX_SAFE_INTEGER)(target, unit.key);
}

export class EstimateDto {
  @ApiPropertyOptional({
    example: 'anthropic',
    description:
      'As the feeds spell it: openai, anthropic, google, aws, x-ai, vertex_ai, bedrock, gemini, … Optional: without ' +
      'it, a LiteLLM route prefix (`gemini/…`) names it, else the provider serving the model (its creator first).',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  provider?: string;

  @ApiProperty({
    example: 'claude-sonnet-4-5-20250929',
    description:
      'As the client sent it: LiteLLM keys (gemini/gemini-2.5-flash), OpenRouter ids, Bedrock and Vertex ids, ' +
      'dates and -latest are understood.',
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

  @ApiPropertyOptional({
    example: 'genai-prices',
    description:
      'Price with what this sync source said was in force at `timestamp` (its dated prices), not the published one.',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/)
  source?: string;
}

export class EstimateBatchDto {
  @ApiProperty({
    type: [EstimateDto],
    description: '1 to 100 estimates in one request (a model page prices every offering at once); each answers alone.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => EstimateDto)
  items!: EstimateDto[];
}

export class CostLineDto {
  @ApiProperty({ example: 'cache_read', description: 'The price component charged.' }) part!: string;
  @ApiProperty({ example: 'cache_read_tokens', description: 'The registry unit it prices.' }) usage_key!: string;
  @ApiProperty({ description: 'The count charged at this rate: the unit’s count less its more specific priced parts.' })
  quantity!: number;
  @ApiProperty({
    example: 'cache_read',
    description: 'The rate used (a part without a rate is counted in its ancestor’s).',
  })
  rate_unit!: string;
  @ApiProperty({ example: '0.3' }) rate!: string;
  @ApiProperty({ example: '0.024' }) amount!: string;
}

export class MatchReasonDto {
  @ApiProperty({
    enum: ['provider_model_id', 'model_id', 'alias', 'match_rule', 'offering', 'provider_fallback', 'size_bucket'],
    description:
      "How the model as sent reached the offering: the provider's own id, a catalog model id or alias the provider " +
      "offers, a feed's match rule, the offering named by id, a size bucket (Together prices unlisted models by " +
      "parameter count), or a feed's provider fallback (Azure priced as OpenAI for a model Azure does not list).",
  })
  via!: string;
  @ApiProperty({ example: 'gpt-4o', description: 'The spelling that matched (the model as sent, or normalized).' })
  spelling!: string;
  @ApiProperty({ description: 'True when a prefix, region profile, date or -latest was removed to match.' })
  normalized!: boolean;
  @ApiPropertyOptional({ description: 'For match_rule / provider_fallback: the sync source that stated the rule.' })
  rule_source?: string;
  @ApiPropertyOptional({
    example: 'openai',
    description:
      'For provider_fallback: the provider whose offering’s price applies; the call stays the provider asked for ' +
      '(Azure’s spend is Azure’s).',
  })
  priced_as?: string;
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
  @ApiProperty({ example: '0.0915', description: 'The input side’s cost (genai-prices’ input_price).' })
  input_cost!: string;
  @ApiProperty({ example: '0.015', description: 'The output side’s cost (genai-prices’ output_price).' })
  output_cost!: string;
  @ApiProperty({
    example: 'units.yml',
    description:
      'How the usage was read: "units.yml" (totals include their parts), or each other convention applied ' +
      '(Anthropic-style input without the cache, reasoning apart from output, unstated-TTL cache writes).',
  })
  convention!: string;
  @ApiProperty({ type: [String], description: 'The readings applied, one sentence each (empty for units.yml).' })
  conventions!: string[];
  @ApiProperty({ type: UsageDto, description: 'The usage as priced, in units.yml’s convention (after any reading).' })
  usage!: UsageDto;
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
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Since when the price used was in force (the feed’s own date with `source`).',
  })
  price_effective_from!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Until when (null: still).' })
  price_effective_to!: string | null;
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

  @ApiPropertyOptional({
    description:
      'Price as this model instead of the one the response names (the answer then gives both: `model` and ' +
      '`response_model`). Leave it out to price what was served.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  model?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  timestamp?: string;

  @ApiPropertyOptional({
    example: 'genai-prices',
    description: 'Price with what this sync source said was in force at `timestamp` (as for the estimate).',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/)
  source?: string;
}

export class ExtractResultDto {
  @ApiProperty({ type: UsageDto }) usage!: UsageDto;
  @ApiProperty({ enum: API_FLAVORS }) flavor!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The model priced: `model` when given, else the response’s.',
  })
  model!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The model the response names (null when it names none).' })
  response_model!: string | null;
  @ApiProperty({
    type: EstimateResultDto,
    nullable: true,
    description: 'When the provider and model are known and priced.',
  })
  cost!: EstimateResultDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why there is no cost, when there is none.' })
  cost_error!: string | null;
}

export class UnitDto {
  @ApiProperty({ example: 'cache_read_tokens', description: 'The usage key.' }) key!: string;
  @ApiProperty({ example: 'cache_read', description: 'The price component that prices it.' }) component!: string;
  @ApiProperty({ type: String, nullable: true, example: 'cache_read_mtok', description: 'genai-prices’ price key.' })
  price_key!: string | null;
  @ApiProperty({ enum: ['1M tokens', 'item'], description: 'What a component amount is per.' }) basis!: string;
  @ApiProperty({ example: 'tokens' }) family!: string;
  @ApiProperty({ type: String, nullable: true, enum: ['input', 'output'] }) direction!: string | null;
  @ApiProperty({ type: [String], description: 'The units it is a part of.' }) part_of!: string[];
  @ApiProperty({ enum: ['genai-prices', 'litellm'] }) source!: string;
}

export class EstimateErrorDto {
  @ApiProperty({ example: 'MODEL_NOT_FOUND' }) code!: string;
  @ApiProperty() message!: string;
}

export class EstimateBatchItemDto {
  @ApiProperty({ description: 'The item’s position in `items`.' }) index!: number;
  @ApiProperty({ type: EstimateResultDto, nullable: true, description: 'The estimate, when the item could be priced.' })
  estimate!: EstimateResultDto | null;
  @ApiProperty({
    type: EstimateErrorDto,
    nullable: true,
    description: 'Why not, as `POST /costs/estimate` would have answered it (unknown price ≠ free).',
  })
  error!: EstimateErrorDto | null;
}

export class EstimateBatchResultDto {
  @ApiProperty({ type: [EstimateBatchItemDto], description: 'One per item, in order.' })
  results!: EstimateBatchItemDto[];
}
