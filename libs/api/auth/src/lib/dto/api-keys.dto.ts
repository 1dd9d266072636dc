import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { API_KEY_SCOPES, ApiKeyScope, IsInstantInRange, PageQueryDto } from '@mph/api-core';
import type { ApiKeyEntity } from '../entities';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'pricing dashboard', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['catalog:read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes!: ApiKeyScope[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'When the key stops working; omit for no expiry.',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : value))
  @IsDate({ message: 'expires_at must be an ISO 8601 date-time' })
  @IsInstantInRange({ yearsAhead: 5 })
  expires_at?: Date;
}

export class ApiKeysQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Include revoked keys.', default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  include_revoked?: boolean;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({
    description: 'Shown as mph_<prefix>_…; identifies the key without revealing it.',
    example: 'k3x9q0a1b2c4',
  })
  prefix!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  scopes!: ApiKeyScope[];

  @ApiProperty({ format: 'uuid' })
  user_id!: string;

  @ApiPropertyOptional({ description: 'Owner email (admins listing every key).' })
  user_email?: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expires_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at!: string | null;

  static from(k: ApiKeyEntity): ApiKeyDto {
    return {
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes,
      user_id: k.userId,
      user_email: k.user?.email,
      created_at: k.createdAt.toISOString(),
      expires_at: k.expiresAt?.toISOString() ?? null,
      last_used_at: k.lastUsedAt?.toISOString() ?? null,
      revoked_at: k.revokedAt?.toISOString() ?? null,
    };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The full key, mph_<prefix>_<secret>. Shown only in this response: store it now.' })
  key!: string;
}
