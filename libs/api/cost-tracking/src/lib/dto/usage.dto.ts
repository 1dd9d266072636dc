import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { GROUPS } from '../services/cost-reports.service';

export class UsageEventInputDto {
  @ApiProperty({
    example: 'req_01HZX…',
    description: 'Unique per event for this user: a repeat is reported as duplicate.',
  })
  idempotency_key!: string;
  @ApiProperty({ example: 'anthropic' }) provider!: string;
  @ApiProperty({ example: 'claude-sonnet-4-5-20250929' }) model!: string;
  @ApiProperty({ example: { input_tokens: 1200, cache_read_tokens: 1000, output_tokens: 300 } }) usage!: object;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the call happened (default: now).' })
  timestamp?: string;
  @ApiPropertyOptional({ enum: ['standard', 'batch', 'flex', 'priority'] }) service_tier?: string;
  @ApiPropertyOptional() region?: string;
  @ApiPropertyOptional({
    example: 'support-bot',
    description:
      'A project you own or are a member of, by id or name (stored by id). An unknown name is rejected, not created.',
  })
  project?: string;
  @ApiPropertyOptional() session_id?: string;
  @ApiPropertyOptional() latency_ms?: number;
  @ApiPropertyOptional() ttft_ms?: number;
  @ApiPropertyOptional({ enum: ['success', 'error', 'partial', 'cached'] }) status?: string;
  @ApiPropertyOptional() error_class?: string;
  @ApiPropertyOptional({ example: '1.08', description: 'USD per unit of the price currency on the usage date.' })
  fx_rate?: string;
}

export class IngestDto {
  @ApiProperty({
    type: [UsageEventInputDto],
    description: '1 to 1,000 events; each is validated and answered on its own.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  events!: object[];
}

export class IngestItemDto {
  @ApiProperty() index!: number;
  @ApiProperty({ type: String, nullable: true }) idempotency_key!: string | null;
  @ApiProperty({ enum: ['stored', 'duplicate', 'rejected'] }) status!: string;
  @ApiPropertyOptional({ description: 'Event id when stored.' }) id?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Frozen cost; null when the price is unknown.' })
  total_cost?: string | null;
  @ApiPropertyOptional() currency?: string;
  @ApiPropertyOptional({ description: 'Why it was rejected or is a duplicate.' }) reason?: string;
}

export class IngestResultDto {
  @ApiProperty({ type: [IngestItemDto] }) results!: IngestItemDto[];
  @ApiProperty() stored!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() rejected!: number;
}

export class SummaryQueryDto {
  @ApiProperty({ example: '2026-01-01', description: 'First day (UTC), inclusive.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date such as 2026-01-01' })
  from!: string;

  @ApiProperty({ example: '2026-01-31', description: 'Last day (UTC), inclusive.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date such as 2026-01-31' })
  to!: string;

  @ApiPropertyOptional({ example: 'day,model', description: `Comma-separated: ${GROUPS.join(', ')}.` })
  @IsOptional()
  @Matches(new RegExp(`^(${GROUPS.join('|')})(,(${GROUPS.join('|')}))*$`), {
    message: `group_by must be a comma-separated list of ${GROUPS.join(', ')}`,
  })
  group_by?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, description: 'Only the N largest groups (by cost).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  top?: number;

  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/) provider?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[\w.:@/-]{1,200}$/) model?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^.{0,100}$/) project?: string;
}

export class SummaryTotalsDto {
  @ApiProperty({
    example: '12.345',
    description: 'In the reporting currency (USD): each event at the exchange rate of its usage date.',
  })
  cost!: string;
  @ApiProperty() events!: number;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ description: 'Events whose price is unknown (not counted as zero).' }) unpriced_events!: number;
  @ApiProperty({ description: 'Priced events in another currency with no exchange rate for their date yet.' })
  unconverted_events!: number;
}

export class SummaryMetaDto {
  @ApiProperty({ description: 'Rows in data.' }) total!: number;
  @ApiProperty({ type: SummaryTotalsDto }) totals!: SummaryTotalsDto;
}

export class SummaryDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'One row per group and currency: the group columns, currency, cost (in that currency) and cost_usd (decimal ' +
      'strings), events, unpriced_events, unconverted_events, tokens; `project_name` beside a project and ' +
      '`api_key_name` beside an API key.',
  })
  data!: Record<string, string | number>[];
  @ApiProperty({ type: SummaryMetaDto }) meta!: SummaryMetaDto;
}

export class EventsQueryDto {
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[\w.-]{1,64}$/) provider?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[\w.:@/-]{1,200}$/) model?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^.{0,100}$/) project?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Only calls made with this API key.' })
  @IsOptional()
  @IsUUID()
  api_key?: string;
  @ApiPropertyOptional({ description: "Only this user's calls (email; operators and admins)." })
  @IsOptional()
  @IsEmail()
  user?: string;
  @ApiPropertyOptional({ enum: ['success', 'error', 'partial', 'cached'] })
  @IsOptional()
  @IsIn(['success', 'error', 'partial', 'cached'])
  status?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/) cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class UsageEventDto {
  @ApiProperty() id!: string;
  @ApiProperty() idempotency_key!: string;
  @ApiProperty({ format: 'date-time' }) occurred_at!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ type: String, nullable: true }) resolved_model!: string | null;
  @ApiProperty({ type: String, nullable: true }) offering_id!: string | null;
  @ApiProperty() service_tier!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ description: 'The project’s id ("" for none; a free-text name for usage recorded before projects).' })
  project!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The project’s name (null: none, or not a project).' })
  project_name!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) usage!: Record<string, number>;
  @ApiProperty({ type: String, nullable: true }) total_cost!: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: { type: 'string' } })
  breakdown!: Record<string, string> | null;
  @ApiProperty() currency!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'USD per unit of the currency on the usage date (1 for USD; null when no rate was known).',
  })
  fx_rate!: string | null;
  @ApiProperty({ type: String, nullable: true }) price_version_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) cost_error!: string | null;
  @ApiProperty() status!: string;
  @ApiProperty({ type: Number, nullable: true }) latency_ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) ttft_ms!: number | null;
  @ApiProperty() user_email!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The API key the call was made with (null: a session).' })
  api_key_id!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "That key's name." }) api_key_name!: string | null;
}

export class EventsMetaDto {
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last.' })
  next_cursor!: string | null;
}

export class EventsPageDto {
  @ApiProperty({ type: [UsageEventDto] }) data!: UsageEventDto[];
  @ApiProperty({ type: EventsMetaDto }) meta!: EventsMetaDto;
}

export class RepriceDto {
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) from!: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive.' }) @IsISO8601({ strict: true }) to!: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[\w.-]{1,64}$/) provider?: string;
  @ApiPropertyOptional({ description: 'Model as sent or as resolved (owner/name).' })
  @IsOptional()
  @Matches(/^[\w.:@/-]{1,200}$/)
  model?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the calls priced by this offering (whatever model spelling they were sent with).',
  })
  @IsOptional()
  @IsUUID()
  offering_id?: string;
  @ApiProperty({ example: 'Vendor corrected o3 prices for May' })
  @Matches(/^.{3,500}$/s, { message: 'reason: 3 to 500 characters' })
  reason!: string;
  @ApiPropertyOptional({ default: false }) @IsOptional() @Type(() => Boolean) dry_run?: boolean;
}

export class RepriceModelDto {
  @ApiProperty() provider!: string;
  @ApiProperty({ description: 'Model as resolved (or as sent when unresolved).' }) model!: string;
  @ApiProperty({ description: 'Calls whose cost changes.' }) adjusted!: number;
  @ApiProperty({ example: '-0.02' }) delta!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
}

export class RepriceTotalDto {
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ description: 'Calls whose cost changes.' }) adjusted!: number;
  @ApiProperty({ example: '-0.02' }) delta!: string;
}

export class RepriceChangeDto {
  @ApiProperty({ example: '42' }) event_id!: string;
  @ApiProperty({ format: 'date-time' }) occurred_at!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: the call was unpriced.' }) old_cost!: string | null;
  @ApiProperty() new_cost!: string;
  @ApiProperty() delta!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
}

export class RepriceResultDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) run_id!: string | null;
  @ApiProperty() dry_run!: boolean;
  @ApiProperty({ description: 'Events in the window with a known offering.' }) events!: number;
  @ApiProperty({ description: 'Events whose cost changed (an adjustment each).' }) adjusted!: number;
  @ApiProperty() newly_priced!: number;
  @ApiProperty() still_unpriced!: number;
  @ApiProperty({
    example: '-0.02',
    description: 'The sum of the changes in the calls’ own currencies: meaningful when `totals` has one entry.',
  })
  total_delta!: string;
  @ApiProperty({ type: [RepriceTotalDto], description: 'The change per currency (calls keep their own currency).' })
  totals!: RepriceTotalDto[];
  @ApiProperty({
    type: [RepriceModelDto],
    description: 'Per provider and model: calls that change and the sum of their changes (largest first, ≤ 50).',
  })
  by_model!: RepriceModelDto[];
  @ApiProperty({ type: [RepriceChangeDto], description: 'The calls whose cost moves most (≤ 20).' })
  largest!: RepriceChangeDto[];
}
