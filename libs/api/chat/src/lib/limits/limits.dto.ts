import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class SetGatewayLimitDto {
  @ApiProperty({ enum: ['api_key', 'project'] }) @IsIn(['api_key', 'project']) scope!: 'api_key' | 'project';
  @ApiProperty({ description: 'The API key id, or the project (its id, or its name when no other project has it).' })
  @Matches(/^[\w .:@/-]{1,100}$/, { message: 'scope_id: an API key id, or a project id or name' })
  scope_id!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  requests_per_minute?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 200000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  tokens_per_minute?: number | null;
}

export class GatewayLimitDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['api_key', 'project'] }) scope!: string;
  @ApiProperty() scope_id!: string;
  @ApiProperty({ type: Number, nullable: true }) requests_per_minute!: number | null;
  @ApiProperty({ type: Number, nullable: true }) tokens_per_minute!: number | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}
