import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { VENDOR_KINDS, VendorKind } from '../entities';

const MODALITIES = ['text', 'image', 'audio', 'video', 'file', 'pdf'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateVendorDto {
  @ApiProperty({ example: 'mistralai', description: 'Lowercase letters, digits and dashes.' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'slug must be lowercase letters, digits and dashes (up to 63)' })
  slug!: string;

  @ApiProperty({ example: 'Mistral AI' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: 'https://mistral.ai' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(300)
  homepage?: string;

  @ApiProperty({ enum: VENDOR_KINDS, isArray: true })
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(VENDOR_KINDS, { each: true })
  kinds!: VendorKind[];
}

export class UpdateVendorDto extends PartialType(OmitType(CreateVendorDto, ['slug'] as const)) {}

export class CreateModelDto {
  @ApiProperty({ example: 'mistralai/Mistral-Large-2', description: 'owner/name' })
  @Matches(/^[\w.-]{1,100}\/[\w.-]{1,100}$/, { message: 'id must be owner/name' })
  id!: string;

  @ApiProperty({ example: 'Mistral Large 2' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  display_name!: string;

  @ApiPropertyOptional({ description: 'Vendor slug of the creator.' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  creator_vendor?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  context_window?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  max_output?: number;

  @ApiPropertyOptional({ enum: MODALITIES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(MODALITIES, { each: true })
  input_modalities?: string[];

  @ApiPropertyOptional({ enum: MODALITIES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(MODALITIES, { each: true })
  output_modalities?: string[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() tool_calling?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() structured_output?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() reasoning?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() vision?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() open_weights?: boolean;

  @ApiPropertyOptional({ example: 'apache-2.0' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  license?: string;

  @ApiPropertyOptional({ format: 'date', example: '2024-07-24' })
  @IsOptional()
  @Matches(DATE, { message: 'release_date must be YYYY-MM-DD' })
  release_date?: string;

  @ApiPropertyOptional({ example: '2024-04' })
  @IsOptional()
  @Matches(/^\d{4}(-\d{2}){0,2}$/, { message: 'knowledge_cutoff must be YYYY, YYYY-MM or YYYY-MM-DD' })
  knowledge_cutoff?: string;

  @ApiPropertyOptional({ format: 'date', description: 'When its maker last updated it.' })
  @IsOptional()
  @Matches(DATE, { message: 'last_updated must be YYYY-MM-DD' })
  last_updated?: string;

  @ApiPropertyOptional({ format: 'date', description: 'When the model is (or was) retired.' })
  @IsOptional()
  @Matches(DATE, { message: 'deprecation_date must be YYYY-MM-DD' })
  deprecation_date?: string;

  @ApiPropertyOptional({ type: [String], description: 'Other ids clients use for this model.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  aliases?: string[];
}

export class UpdateModelDto extends PartialType(OmitType(CreateModelDto, ['id'] as const)) {}

export class CreateOfferingDto {
  @ApiProperty({ example: 'openai/gpt-4o' })
  @IsString()
  @MaxLength(200)
  model_id!: string;

  @ApiProperty({ example: 'openrouter', description: 'Vendor slug of the provider.' })
  @IsString()
  @MaxLength(63)
  provider!: string;

  @ApiProperty({ example: 'openai/gpt-4o', description: "The provider's own id for the model." })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  provider_model_id!: string;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(100_000_000) context_window?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(100_000_000) max_output?: number;
}

export class UpdateOfferingDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(300) provider_model_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(100_000_000) context_window?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(100_000_000) max_output?: number;
  @ApiPropertyOptional({ enum: ['active', 'deprecated'] }) @IsOptional() @IsIn(['active', 'deprecated']) status?:
    'active' | 'deprecated';
}
