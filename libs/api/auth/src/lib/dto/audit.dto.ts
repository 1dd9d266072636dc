import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '@mph/api-core';
import type { AuditEventEntity } from '../entities';

const toDate = ({ value }: { value: unknown }) =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : value;

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actor_id?: string;

  @ApiPropertyOptional({
    example: 'price',
    maxLength: 100,
    description:
      'An action (`price.held_approved`) or a family of actions (`price` or `price.` match every `price.*`).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ example: 'user', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  target_type?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  target_id?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'From this instant (inclusive).' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'from must be an ISO 8601 date-time' })
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Until this instant (exclusive).' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'to must be an ISO 8601 date-time' })
  to?: Date;
}

/** What an audit event's target is called, from the state it recorded (no lookup: deleted targets keep a name). */
export function targetLabel(state: Record<string, unknown> | null): string | null {
  if (!state) return null;
  const text = (k: string) => (typeof state[k] === 'string' && state[k] ? (state[k] as string) : null);
  const offering =
    text('provider') && text('provider_model_id') ? `${text('provider')} · ${text('provider_model_id')}` : null;
  return text('email') ?? text('name') ?? offering ?? text('display_name') ?? text('slug') ?? text('model_id') ?? null;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  occurred_at!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actor_id!: string | null;

  @ApiProperty({ description: 'Actor email, "system", or the email tried in a failed login.' })
  actor_label!: string;

  @ApiProperty({ example: 'user.updated' })
  action!: string;

  @ApiProperty({ type: String, nullable: true })
  target_type!: string | null;

  @ApiProperty({ type: String, nullable: true })
  target_id!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'ops@example.com',
    description: 'The target in words, from what the event recorded (email, name, provider · id); null when none.',
  })
  target_label!: string | null;

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true })
  before!: Record<string, unknown> | null;

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true })
  after!: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true })
  request_id!: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  static from(e: AuditEventEntity): AuditEventDto {
    return {
      id: e.id,
      occurred_at: e.occurredAt.toISOString(),
      actor_id: e.actorId,
      actor_label: e.actorLabel,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      target_label: targetLabel(e.after ?? e.before),
      before: e.before,
      after: e.after,
      request_id: e.requestId,
      ip: e.ip,
    };
  }
}
