import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class ServedModelInputDto {
  @ApiProperty({ example: 'gpt-4o-mini', description: 'The model id callers ask for.' })
  @Matches(/^[\w.:@/-]{1,200}$/, { message: 'model: 1–200 letters, digits or . _ : @ / -' })
  model!: string;
  @ApiPropertyOptional({ example: 'gpt-4o-mini-2024-07-18', description: 'The id sent upstream (default: model).' })
  @IsOptional()
  @Matches(/^[\w.:@/-]{1,200}$/, { message: 'upstream_model: 1–200 letters, digits or . _ : @ / -' })
  upstream_model?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'The catalog offering that prices these calls (default: matched under the connection’s provider).',
  })
  @IsOptional()
  @IsUUID()
  offering_id?: string | null;
}

export class CreateConnectionDto {
  @ApiProperty({ example: 'OpenAI (team key)' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
  @ApiProperty({ example: 'https://api.openai.com/v1', description: 'The OpenAI-compatible base URL (…/v1).' })
  @IsString()
  @MaxLength(500)
  base_url!: string;
  @ApiPropertyOptional({
    example: 'openai',
    nullable: true,
    description: 'Catalog provider whose prices apply (openai, together, groq, openrouter …).',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_.-]{0,63}$/, { message: 'provider: a provider slug such as openai' })
  provider?: string | null;
  @ApiPropertyOptional({ description: 'Stored encrypted (AES-256-GCM); never shown again. null removes it.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  api_key?: string | null;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ default: 100, description: 'Failover order: lower first.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  priority?: number;
  @ApiPropertyOptional({
    default: false,
    description: 'Admins only: serve every user. Fixed at creation (a PATCH that changes it is refused).',
  })
  @IsOptional()
  @IsBoolean()
  shared?: boolean;
  @ApiPropertyOptional({ default: 5000 }) @IsOptional() @IsInt() @Min(100) @Max(60000) connect_timeout_ms?: number;
  @ApiPropertyOptional({ default: 60000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600000)
  first_token_timeout_ms?: number;
  @ApiPropertyOptional({ default: 600000 })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(3600000)
  total_timeout_ms?: number;
  @ApiPropertyOptional({ default: 2 }) @IsOptional() @IsInt() @Min(0) @Max(10) max_retries?: number;
  @ApiPropertyOptional({ default: 5, description: 'Consecutive failures that open the circuit breaker.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  breaker_failures?: number;
  @ApiPropertyOptional({ default: 30000, description: 'How long an open breaker waits before a probe.' })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3600000)
  breaker_cooldown_ms?: number;
  @ApiPropertyOptional({
    default: 0,
    description: 'Answer identical non-streamed temperature-0 requests from memory for this long (0 = off).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  response_cache_seconds?: number;
  @ApiPropertyOptional({ type: [ServedModelInputDto], description: 'The models it serves (replaces the list).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ServedModelInputDto)
  models?: ServedModelInputDto[];
}

export class UpdateConnectionDto extends PartialType(CreateConnectionDto) {}

export class ServedModelDto {
  @ApiProperty() model!: string;
  @ApiProperty() upstream_model!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) offering_id!: string | null;
}

export class BreakerDto {
  @ApiProperty({ enum: ['closed', 'open', 'half_open'] }) state!: string;
  @ApiProperty() consecutive_failures!: number;
}

export class ConnectionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['openai-compatible', 'local'] }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) base_url!: string | null;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ description: 'Serves every user (admin-level).' }) shared!: boolean;
  @ApiProperty({ type: String, nullable: true }) owner!: string | null;
  @ApiProperty() has_key!: boolean;
  @ApiProperty({ type: String, nullable: true, example: '…x9Qz' }) key_hint!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() priority!: number;
  @ApiProperty() connect_timeout_ms!: number;
  @ApiProperty() first_token_timeout_ms!: number;
  @ApiProperty() total_timeout_ms!: number;
  @ApiProperty() max_retries!: number;
  @ApiProperty() breaker_failures!: number;
  @ApiProperty() breaker_cooldown_ms!: number;
  @ApiProperty() response_cache_seconds!: number;
  @ApiProperty({ type: [ServedModelDto] }) models!: ServedModelDto[];
  @ApiProperty({ type: BreakerDto }) breaker!: BreakerDto;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class ConnectionTestDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: [String] }) models!: string[];
  @ApiProperty() latency_ms!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
}
