import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

export class DatabaseStatusDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiPropertyOptional({ example: 'PostgreSQL 18.4', description: 'Server version, when reachable.' })
  version?: string;

  @ApiPropertyOptional({ example: 2, description: 'Round trip of a trivial query, in milliseconds.' })
  latency_ms?: number;

  @ApiProperty({ description: 'True when the app started its own embedded PostgreSQL.' })
  embedded!: boolean;

  @ApiPropertyOptional({ description: 'Why the database is down.' })
  error?: string;
}

export class StatusDto {
  @ApiProperty({ enum: ['ok', 'degraded'], description: 'degraded when a dependency is down.' })
  status!: 'ok' | 'degraded';

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ example: 'production' })
  environment!: string;

  @ApiProperty({ format: 'date-time' })
  started_at!: string;

  @ApiProperty({ example: 3600 })
  uptime_seconds!: number;

  @ApiProperty({ type: DatabaseStatusDto })
  database!: DatabaseStatusDto;
}
