import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { OfferingDto, PriceComponentDto } from '@mph/api-catalog';
import { PageMetaDto, PageQueryDto } from '@mph/api-core';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { SyncPlan } from './sync-plan';
import type { SyncRunEntity } from './sync-run.entity';
import { ADAPTERS, SyncSourceEntity } from './sync-source.entity';

export class AuthHeaderInputDto {
  @ApiProperty({ example: 'Authorization' })
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'name must be an HTTP header name' })
  name!: string;

  @ApiProperty({ example: 'Bearer sk-…', description: 'Stored sealed (AES-256-GCM); never returned.' })
  @IsString()
  @Length(1, 2000)
  value!: string;
}

export class IdRulesDto {
  @ApiPropertyOptional({ example: { vertex_ai: 'google-vertex' }, description: 'Feed provider → our vendor slug.' })
  @IsOptional()
  @IsObject()
  providers?: Record<string, string>;

  @ApiPropertyOptional({ example: { 'openai|gpt-4o-2024-08-06': 'openai/gpt-4o' }, description: 'Offering → model.' })
  @IsOptional()
  @IsObject()
  models?: Record<string, string>;

  @ApiPropertyOptional({ type: [String], example: ['openrouter/'] })
  @IsOptional()
  @IsString({ each: true })
  strip_prefixes?: string[];
}

export class CreateSyncSourceDto {
  @ApiProperty({ example: 'litellm-mirror', description: 'Lowercase letters, digits, dot, dash, underscore.' })
  @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/, { message: 'name must be lowercase letters, digits, ".", "-" or "_"' })
  name!: string;

  @ApiProperty({ enum: ADAPTERS })
  @IsIn(ADAPTERS)
  adapter!: (typeof ADAPTERS)[number];

  @ApiProperty({
    example: 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
  })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '0 4 * * *',
    description: 'Cron (UTC); null = on demand only.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  schedule?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: AuthHeaderInputDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuthHeaderInputDto)
  auth_header?: AuthHeaderInputDto | null;

  @ApiPropertyOptional({ type: IdRulesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => IdRulesDto)
  id_rules?: IdRulesDto;

  @ApiPropertyOptional({
    example: '0.5',
    description: 'Quarantine when more than this share of offerings goes missing.',
  })
  @IsOptional()
  @Matches(/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/, { message: 'max_shrink must be a decimal between 0 and 1' })
  max_shrink?: string;

  @ApiPropertyOptional({ example: '10', description: 'Quarantine when a price moves by more than this factor.' })
  @IsOptional()
  @Matches(/^\d{1,6}(\.\d{1,4})?$/, { message: 'max_jump must be a decimal such as "10"' })
  max_jump?: string;
}

/** Any subset of a source's settings; `auth_header: null` removes the header. */
export class UpdateSyncSourceDto extends PartialType(CreateSyncSourceDto) {}

export class RunSourceDto {
  @ApiPropertyOptional({ default: false, description: 'Compute the diff only; write nothing.' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Answer when the run finished instead of at once (202).' })
  @IsOptional()
  @IsBoolean()
  wait?: boolean;
}

export class SyncCountsDto {
  @ApiPropertyOptional() entries?: number;
  @ApiPropertyOptional() records?: number;
  @ApiPropertyOptional() invalid?: number;
  @ApiPropertyOptional() added?: number;
  @ApiPropertyOptional() changed?: number;
  @ApiPropertyOptional() unchanged?: number;
  @ApiPropertyOptional() missing?: number;
  @ApiPropertyOptional() locked?: number;
  @ApiPropertyOptional({ description: 'Left to the provider’s source of truth or the source that priced it first.' })
  deferred?: number;
  @ApiPropertyOptional() observations_written?: number;
  @ApiPropertyOptional() conflicts?: number;
  @ApiPropertyOptional() deleted_skipped?: number;
  @ApiPropertyOptional() versions_written?: number;
  @ApiPropertyOptional() offerings_created?: number;
  @ApiPropertyOptional() models_created?: number;
  @ApiPropertyOptional() vendors_created?: number;
  @ApiPropertyOptional({ description: 'Entries that are another spelling of an offering the feed already named.' })
  aliased?: number;
  @ApiPropertyOptional({ description: 'Stored offerings moved to another model on stronger identity evidence.' })
  offerings_moved?: number;
  @ApiPropertyOptional({
    description: 'Models a sync had made and that lost every offering, merged into their new model.',
  })
  models_merged?: number;
  @ApiPropertyOptional({ description: 'New or changed prices held for review by the sanity guards.' })
  held?: number;
  @ApiPropertyOptional({ description: "Models whose shown capabilities changed with this feed's statements." })
  capabilities_updated?: number;
  @ApiPropertyOptional() bytes?: number;
  @ApiPropertyOptional() duration_ms?: number;
}

export class SyncRunSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) source_id!: string | null;
  @ApiProperty() source_name!: string;
  @ApiProperty() adapter!: string;
  @ApiProperty({ enum: ['cron', 'manual', 'cli', 'webhook'] }) trigger!: string;
  @ApiProperty() dry_run!: boolean;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'quarantined', 'approved', 'rejected'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: 'applying' }) phase!: string | null;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at!: string | null;
  @ApiProperty({ type: SyncCountsDto }) counts!: SyncCountsDto;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: String, nullable: true }) quarantine_reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) started_by!: string | null;
  @ApiProperty({ type: String, nullable: true }) decided_by!: string | null;

  static from(r: SyncRunEntity): SyncRunSummaryDto {
    return {
      id: r.id,
      source_id: r.sourceId,
      source_name: r.sourceName,
      adapter: r.adapter,
      trigger: r.trigger,
      dry_run: r.dryRun,
      status: r.status,
      phase: r.phase,
      started_at: r.startedAt.toISOString(),
      finished_at: r.finishedAt?.toISOString() ?? null,
      counts: r.counts,
      error: r.error,
      quarantine_reason: r.quarantineReason,
      started_by: r.startedBy,
      decided_by: r.decidedBy,
    };
  }
}

export class SyncDiffVersionDto {
  @ApiProperty() service_tier!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ format: 'date-time' }) effective_from!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'Per component: unit, prompt_tokens_above, window, before, after, change, ratio.',
  })
  changes!: object[];
}

export class SyncDiffItemDto {
  @ApiProperty() ref!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() provider_model_id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) offering_id!: string | null;
  @ApiProperty({ type: [SyncDiffVersionDto] }) versions!: SyncDiffVersionDto[];
}

export class SyncRunDto extends SyncRunSummaryDto {
  @ApiProperty({ type: [SyncDiffItemDto], description: 'New offerings (first 500).' }) added!: SyncDiffItemDto[];
  @ApiProperty({ type: [SyncDiffItemDto], description: 'Changed prices (first 500).' }) changed!: SyncDiffItemDto[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Seen before, absent now (first 500).' })
  missing!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Entries not used, with reasons (first 500).' })
  invalid!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) conflicts!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) locked!: object[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) ignored_fields!: Record<string, number>;

  static detail(r: SyncRunEntity): SyncRunDto {
    const plan: SyncPlan | null = r.plan;
    const item = (o: SyncPlan['added'][number]): SyncDiffItemDto => ({
      ref: o.ref,
      provider: o.provider,
      provider_model_id: o.providerModelId,
      offering_id: o.offeringId,
      versions: o.versions.map((v) => ({
        service_tier: v.serviceTier,
        region: v.region,
        effective_from: v.effectiveFrom,
        currency: v.currency,
        changes: v.changes,
      })),
    });
    return {
      ...SyncRunSummaryDto.from(r),
      added: (plan?.added ?? []).slice(0, 500).map(item),
      changed: (plan?.changed ?? []).slice(0, 500).map(item),
      missing: (plan?.missing ?? []).slice(0, 500),
      invalid: (plan?.invalid ?? r.errors ?? []).slice(0, 500),
      conflicts: (plan?.conflicts ?? []).slice(0, 500),
      locked: (plan?.locked ?? []).slice(0, 500),
      ignored_fields: plan?.ignoredFields ?? {},
    };
  }
}

export class SyncSourceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ADAPTERS }) adapter!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: String, nullable: true }) schedule!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Header name only; the value is never returned.' })
  auth_header_name!: string | null;
  @ApiProperty() has_webhook_secret!: boolean;
  @ApiProperty({ type: IdRulesDto }) id_rules!: IdRulesDto;
  @ApiProperty() max_shrink!: string;
  @ApiProperty() max_jump!: string;
  @ApiProperty({ type: SyncRunSummaryDto, nullable: true }) last_run!: SyncRunSummaryDto | null;

  static from(s: SyncSourceEntity, last: SyncRunEntity | null): SyncSourceDto {
    return {
      id: s.id,
      name: s.name,
      adapter: s.adapter,
      url: s.url,
      schedule: s.schedule,
      enabled: s.enabled,
      auth_header_name: s.authHeaderName,
      has_webhook_secret: s.webhookSecretSealed !== null,
      id_rules: s.idRules,
      max_shrink: s.maxShrink,
      max_jump: s.maxJump,
      last_run: last ? SyncRunSummaryDto.from(last) : null,
    };
  }
}

export class SyncRunsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() source_id?: string;
  @ApiPropertyOptional({ enum: ['running', 'succeeded', 'failed', 'quarantined', 'approved', 'rejected'] })
  @IsOptional()
  @IsIn(['running', 'succeeded', 'failed', 'quarantined', 'approved', 'rejected'])
  status?: string;
}

export class SyncRunPageDto {
  @ApiProperty({ type: [SyncRunSummaryDto] }) data!: SyncRunSummaryDto[];
  @ApiProperty({ type: PageMetaDto }) meta!: PageMetaDto;
}

export class WebhookSecretDto {
  @ApiProperty({ description: 'Shown once: configure it at the vendor; only a sealed copy is kept.' }) secret!: string;
}

export class StreamTicketDto {
  @ApiProperty({
    description:
      'Pass as ?ticket= to the events URL (EventSource cannot send headers); valid 5 minutes, while the sign-in ' +
      'that asked for it lasts and its role still fits.',
  })
  ticket!: string;
  @ApiProperty({ example: '/api/v1/sync/runs/…/events?ticket=…' }) url!: string;
}

export class ReconciliationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '5', default: '5', description: 'Report differences above this percentage.' })
  @IsOptional()
  @Matches(/^\d{1,4}(\.\d{1,2})?$/, { message: 'min_diff_pct must be a decimal such as "5"' })
  min_diff_pct?: string;

  @ApiPropertyOptional({ example: 'openai' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/)
  provider?: string;
}

export class SourceHealthDto {
  @ApiProperty({ format: 'uuid' }) source_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() adapter!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_success_at!: string | null;
  @ApiProperty({ description: 'No successful run in the last 48 hours.' }) stale!: boolean;
}

export class UnitAmountDto {
  @ApiProperty({ example: 'cache_read' }) unit!: string;
  @ApiProperty({ example: '0.075', description: 'Base price per 1M tokens.' }) amount!: string;
}

export class ObservationDto {
  @ApiProperty() source!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Base input per 1M tokens.' }) input!: string | null;
  @ApiProperty({ type: String, nullable: true }) output!: string | null;
  @ApiProperty({ type: [UnitAmountDto], description: 'Base input, output and cache prices this source states.' })
  amounts!: UnitAmountDto[];
  @ApiProperty({ format: 'date-time', description: 'Since when the source reports this price.' })
  observed_since!: string;
  @ApiProperty() stale!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why: the source has not run successfully lately, or its feed no longer lists this offering.',
  })
  stale_reason!: string | null;
}

export class UnitSpreadDto {
  @ApiProperty({ example: 'input' }) unit!: string;
  @ApiProperty({ example: '0.15' }) min!: string;
  @ApiProperty({ example: '0.2' }) max!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '33.33',
    description: '(max − min) / min in percent; null: free vs paid.',
  })
  diff_pct!: string | null;
  @ApiProperty({ description: 'How many sources state it.' }) sources!: number;
}

export class DisagreementDto {
  @ApiProperty({ format: 'uuid' }) offering_id!: string;
  @ApiProperty() model_id!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() provider_model_id!: string;
  @ApiProperty() service_tier!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ type: String, nullable: true }) truth_source!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Source of the price in force.' }) current_source!:
    string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Largest difference in percent; null when one says free.' })
  max_diff_pct!: string | null;
  @ApiProperty({ type: [UnitSpreadDto] }) units!: UnitSpreadDto[];
  @ApiProperty({ type: [ObservationDto] }) observations!: ObservationDto[];
}

export class ReconciliationMetaDto extends PageMetaDto {
  @ApiProperty({ type: [SourceHealthDto] }) sources!: SourceHealthDto[];
}

export class ReconciliationPageDto {
  @ApiProperty({ type: [DisagreementDto] }) data!: DisagreementDto[];
  @ApiProperty({ type: ReconciliationMetaDto }) meta!: ReconciliationMetaDto;
}

export class ProviderTruthDto {
  @ApiProperty() provider!: string;
  @ApiProperty({ format: 'uuid' }) source_id!: string;
  @ApiProperty() source_name!: string;
  @ApiProperty() chosen_by!: string;
  @ApiProperty({ format: 'date-time' }) chosen_at!: string;
}

export class ChooseTruthDto {
  @ApiProperty({ format: 'uuid', description: 'The sync source whose prices win for this provider.' })
  @IsUUID()
  source_id!: string;
}

export const HELD_STATUSES = ['held', 'approved', 'rejected', 'superseded'] as const;

export class HeldPricesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: HELD_STATUSES,
    description: 'held (default): waiting for a decision; superseded: the feed has since said something else.',
  })
  @IsOptional()
  @IsIn(HELD_STATUSES)
  status?: (typeof HELD_STATUSES)[number];
  @ApiPropertyOptional({ description: 'Only prices held from this sync source (by name).' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  source?: string;
}

export class HeldPriceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: OfferingDto }) offering!: OfferingDto;
  @ApiProperty({ description: 'The model the offering serves.' }) model_id!: string;
  @ApiProperty({ description: 'The sync source whose price was held.' }) source!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) run_id!: string | null;
  @ApiProperty({ enum: ['standard', 'flex', 'priority', 'batch'] }) service_tier!: string;
  @ApiProperty({ description: "'' for the default region." }) region!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ format: 'date-time', description: 'From when the feed says the price holds.' })
  effective_from!: string;
  @ApiProperty({
    type: [PriceComponentDto],
    description: 'The whole price set the feed gave (what approving publishes).',
  })
  components!: PriceComponentDto[];
  @ApiProperty({ description: 'The component that tripped the guard.', example: 'input' }) unit!: string;
  @ApiProperty({ example: '22000', description: 'Its amount, per 1M tokens (or per item).' }) amount!: string;
  @ApiProperty({ example: '0.05', description: 'What it was compared with (the median, or the other feed’s price).' })
  reference!: string;
  @ApiProperty({ example: '440000', description: 'amount / reference.' }) factor!: string;
  @ApiProperty({
    enum: ['median', 'feed'],
    description: "median: far from the model's other offerings; feed: far from another feed's report of this offering.",
  })
  kind!: string;
  @ApiProperty({ type: String, nullable: true, example: 'a per-token price stated as per 1M tokens' })
  looks_like!: string | null;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: HELD_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true }) decided_by!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decided_at!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The operator’s note on the decision.' })
  decision_note!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The price version approving wrote.' })
  version_id!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class HeldPricePageDto {
  @ApiProperty({ type: [HeldPriceDto] }) data!: HeldPriceDto[];
  @ApiProperty({ type: PageMetaDto }) meta!: PageMetaDto;
}

export class DecideHeldPriceDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'Why (kept in the audit log and on the held price).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
