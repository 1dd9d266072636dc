import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, Role } from '@mph/api-core';
import type { UserEntity } from '../entities';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com', maxLength: 320 })
  @IsEmail({ require_tld: false }, { message: 'email must be an email address' })
  @MaxLength(320)
  email!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

export class RefreshDto {
  @ApiPropertyOptional({
    description: 'The refresh token; the console sends it as the httpOnly mph_refresh cookie instead.',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refresh_token?: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MaxLength(200)
  current_password!: string;

  @ApiProperty({ minLength: 12, maxLength: 200, description: 'At least 12 characters.' })
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  new_password!: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'Short-lived JWT for `Authorization: Bearer`.' })
  access_token!: string;

  @ApiProperty({
    description: 'Single-use token for POST /auth/refresh (also set as the httpOnly mph_refresh cookie).',
  })
  refresh_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 })
  expires_in!: number;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ example: 'Ada' })
  display_name!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty()
  disabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_login_at!: string | null;

  static from(u: UserEntity): UserDto {
    return {
      id: u.id,
      email: u.email,
      display_name: u.displayName,
      role: u.role,
      disabled: u.disabled,
      created_at: u.createdAt.toISOString(),
      last_login_at: u.lastLoginAt?.toISOString() ?? null,
    };
  }
}
