import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto, ROLES, Role } from '@mph/api-core';
import { UserDto } from './auth.dto';

export class UsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the email or display name.', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320 })
  @IsEmail({ require_tld: false }, { message: 'email must be an email address' })
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  display_name?: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ minLength: 12, maxLength: 200, description: 'Omit to generate one (returned once).' })
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  display_name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'Disabling ends the user’s sessions; their API keys stop working.' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class CreatedUserDto extends UserDto {
  @ApiPropertyOptional({ description: 'The generated password, shown only in this response.' })
  password?: string;
}

export class PasswordResetDto {
  @ApiProperty({ description: 'The new generated password, shown only in this response.' })
  password!: string;
}
