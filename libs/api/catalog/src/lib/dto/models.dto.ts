import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '@mph/api-core';
import { RELATIONS, Relation } from '@mph/api-provenance';
import { CAPABILITY_FIELDS, CAPABILITY_PRECEDENCE } from '../identity/capabilities';

const bool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const int = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

export const MODEL_SORTS = [
  'relevance',
  'downloads',
  'likes',
  'trending',
  'created',
  'updated',
  'context',
  'price',
] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

export class ModelsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Full-text search over id, name, author, tags and description; prefixes match ("llam").',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'meta-llama' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  author?: string;

  @ApiPropertyOptional({ description: 'Creator vendor slug.', example: 'openai' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  vendor?: string;

  @ApiPropertyOptional({ description: 'Offered by this provider (vendor slug).', example: 'together' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  provider?: string;

  @ApiPropertyOptional({ example: 'text-generation' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  pipeline_tag?: string;

  @ApiPropertyOptional({ example: 'transformers' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  library?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated; a model must have all of them.',
    example: 'gguf,conversational',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  tags?: string;

  @ApiPropertyOptional({ example: 'apache-2.0' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  license?: string;

  @ApiPropertyOptional({ description: 'Accepts this input modality.', example: 'image' })
  @IsOptional()
  @IsIn(['text', 'image', 'audio', 'video', 'file'])
  modality_in?: string;

  @ApiPropertyOptional({ description: 'Produces this output modality.', example: 'text' })
  @IsOptional()
  @IsIn(['text', 'image', 'audio', 'video'])
  modality_out?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  tool_calling?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  structured_output?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  reasoning?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  vision?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  open_weights?: boolean;

  @ApiPropertyOptional({ description: 'Context window of at least this many tokens.', example: 128000 })
  @IsOptional()
  @Transform(int)
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  min_context?: number;

  @ApiPropertyOptional({
    example: '1',
    description:
      'Only models with an offering whose current input price (USD per 1M tokens, standard tier) is at most this.',
  })
  @IsOptional()
  @Matches(/^\d{1,9}(\.\d{1,12})?$/, { message: 'max_input_price must be a decimal such as "1.5"' })
  max_input_price?: string;

  @ApiPropertyOptional({
    example: '4',
    description: 'Only models with an offering whose current output price (USD per 1M tokens) is at most this.',
  })
  @IsOptional()
  @Matches(/^\d{1,9}(\.\d{1,12})?$/, { message: 'max_output_price must be a decimal such as "4"' })
  max_output_price?: string;

  @ApiPropertyOptional({ description: 'Only models derived from a base (true) or only roots (false).' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  has_base_model?: boolean;

  @ApiPropertyOptional({
    description: 'Only direct derivatives of this base model.',
    example: 'meta-llama/Llama-3.1-8B-Instruct',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  base_model?: string;

  @ApiPropertyOptional({ enum: RELATIONS, description: 'With base_model: only this relation.' })
  @IsOptional()
  @IsIn(RELATIONS)
  relation?: Relation;

  @ApiPropertyOptional({
    description:
      'Keyset paging for deep pages: the next_cursor of the previous page (any sort but relevance; page is ignored).',
    maxLength: 400,
  })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a next_cursor value from a previous page' })
  cursor?: string;

  @ApiPropertyOptional({
    enum: MODEL_SORTS,
    default: 'relevance',
    description: 'relevance needs q; without q it sorts by downloads.',
  })
  @IsOptional()
  @IsIn(MODEL_SORTS)
  sort?: ModelSort;
}

export class CheapestPriceDto {
  @ApiProperty({ example: '0.15', description: 'Decimal string per 1M input tokens, in `currency`.' }) input!: string;
  @ApiProperty({ example: '0.6', description: 'Decimal string per 1M output tokens, in `currency`.' }) output!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ example: 'openai', description: 'The provider selling at this price.' }) provider!: string;
  @ApiProperty({ example: 'gpt-4o-mini', description: "The provider's id of the offering." })
  provider_model_id!: string;
}

export class ModelSummaryDto {
  @ApiProperty({ example: 'meta-llama/Llama-3.1-8B-Instruct' })
  id!: string;

  @ApiProperty()
  display_name!: string;

  @ApiProperty()
  author!: string;

  @ApiProperty({ type: String, nullable: true })
  creator_vendor!: string | null;

  @ApiProperty({ type: String, nullable: true })
  pipeline_tag!: string | null;

  @ApiProperty({ type: String, nullable: true })
  library_name!: string | null;

  @ApiProperty({ type: String, nullable: true })
  license!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  context_window!: number | null;

  @ApiProperty({ type: Boolean, nullable: true })
  open_weights!: boolean | null;

  @ApiProperty()
  downloads!: number;

  @ApiProperty()
  likes!: number;

  @ApiProperty()
  trending_score!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  hf_created_at!: string | null;

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiProperty({ type: Boolean, nullable: true }) tool_calling!: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) structured_output!: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) reasoning!: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) vision!: boolean | null;

  @ApiProperty({ description: 'Providers with a live offering of this model (priced or not).' })
  provider_count!: number;

  @ApiProperty({
    type: CheapestPriceDto,
    nullable: true,
    description:
      'The cheapest offering now by base input + output per 1M tokens (standard tier, default region, no prompt ' +
      'tier); null when no offering has a known price. The same key as sort=price.',
  })
  cheapest!: CheapestPriceDto | null;
}

export class ModelPageMetaDto extends PageMetaDto {
  @ApiProperty({ description: 'True when total is a lower bound (counting stops at 10,000).' })
  total_estimated!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page (null on the last page, and for relevance).',
  })
  next_cursor!: string | null;
}

export class ModelPageDto {
  @ApiProperty({ type: [ModelSummaryDto] })
  data!: ModelSummaryDto[];

  @ApiProperty({ type: ModelPageMetaDto })
  meta!: ModelPageMetaDto;
}

export class TypedTagsDto {
  @ApiProperty({ type: [String] }) license!: string[];
  @ApiProperty({ type: [String] }) language!: string[];
  @ApiProperty({ type: [String] }) framework!: string[];
  @ApiProperty({ type: [String] }) region!: string[];
  @ApiProperty({ type: [String] }) arxiv!: string[];
  @ApiProperty({ type: [String] }) general!: string[];
}

export class ModelFileDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: Number, nullable: true }) size!: number | null;
  @ApiProperty() lfs!: boolean;
}

export class BaseModelDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: RELATIONS }) relation!: Relation;
  @ApiProperty({ description: 'tag | card | inferred | manual' }) source!: string;
  @ApiProperty({ description: 'False when the base is not in the catalog (known only by id).' }) known!: boolean;
}

export class OfferingDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() provider_model_id!: string;
  @ApiProperty({ type: Number, nullable: true }) context_window!: number | null;
  @ApiProperty({ type: Number, nullable: true }) max_output!: number | null;
  @ApiProperty({ enum: ['active', 'deprecated'] }) status!: string;
}

export class ModelOfferingDto extends OfferingDto {
  @ApiProperty({ type: String, nullable: true, description: 'A free tier, commitment plan or quality it sells.' })
  variant!: string | null;
  @ApiProperty({ type: [String], description: "Other spellings of the provider's id that feeds use." })
  aliases!: string[];
  @ApiProperty({
    enum: ['operator', 'feed', 'name', 'new', 'legacy'],
    description:
      "Why it serves this model: an operator's decision, the feed's own link, the catalog's name once the provider's " +
      'wrappers are removed, a new model, or from before identities were recorded.',
  })
  identity_basis!: string;
  @ApiProperty({ example: 'openrouter hugging_face_id openai/gpt-oss-120b' }) identity_reason!: string;
  @ApiProperty({ description: 'An operator placed it here: no sync moves it.' }) identity_pinned!: boolean;
}

export class CapabilityFactDto {
  @ApiProperty({ enum: CAPABILITY_FIELDS }) field!: string;
  @ApiProperty({ description: 'Who says it: a sync source\'s name, or "operator".', example: 'models.dev' })
  source!: string;
  @ApiProperty({
    description: `The kind of source, which sets precedence: ${CAPABILITY_PRECEDENCE.join(' > ')} > others.`,
    example: 'models.dev',
  })
  kind!: string;
  @ApiProperty({
    description: 'The stated value: a boolean, a number of tokens, a date (YYYY-MM-DD) or a list of modalities.',
    oneOf: [{ type: 'boolean' }, { type: 'integer' }, { type: 'string' }, { type: 'array', items: { type: 'string' } }],
  })
  value!: unknown;
  @ApiProperty({ type: [String], description: "The providers whose records state it (a feed's view of the model)." })
  via!: string[];
  @ApiProperty({ format: 'date-time', description: 'Since when this source says this value.' }) since!: string;
  @ApiProperty({ type: String, nullable: true, description: "The operator's email, for operator decisions." })
  decided_by!: string | null;
  @ApiProperty({ description: 'Whether this is the value the model shows (the highest-precedence statement).' })
  used!: boolean;
}

export class ModelDetailDto extends ModelSummaryDto {
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: Number, nullable: true }) max_output!: number | null;
  @ApiProperty({ type: [String] }) input_modalities!: string[];
  @ApiProperty({ type: [String] }) output_modalities!: string[];
  @ApiProperty({ type: String, format: 'date', nullable: true }) release_date!: string | null;
  @ApiProperty({ type: String, nullable: true }) knowledge_cutoff!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'When its maker last updated it.' })
  last_updated!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) deprecation_date!: string | null;
  @ApiProperty({ type: [String] }) aliases!: string[];
  @ApiProperty({ type: Number, nullable: true }) downloads_all_time!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) hf_last_modified!: string | null;
  @ApiProperty({ type: String, nullable: true }) gated!: string | null;
  @ApiProperty() private!: boolean;
  @ApiProperty({ type: String, nullable: true }) sha!: string | null;
  @ApiProperty({ type: TypedTagsDto }) typed_tags!: TypedTagsDto;
  @ApiProperty({ type: [ModelFileDto] }) files!: ModelFileDto[];
  @ApiProperty({ type: [String] }) datasets!: string[];
  @ApiProperty({ type: [BaseModelDto] }) base_models!: BaseModelDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { finetune: 12, quantized: 40 },
    description: 'Direct derivatives by relation.',
  })
  derivative_counts!: Record<string, number>;
  @ApiProperty({ type: [ModelOfferingDto] }) offerings!: ModelOfferingDto[];
  @ApiProperty({
    type: [CapabilityFactDto],
    description:
      'What each source says about each capability field, the value shown first. A field with no statement shows the ' +
      "model's own value (Hugging Face metadata or the seed).",
  })
  capability_facts!: CapabilityFactDto[];
}

export class AncestryEdgeDto {
  @ApiProperty() model_id!: string;
  @ApiProperty() base_model_id!: string;
  @ApiProperty({ enum: RELATIONS }) relation!: Relation;
  @ApiProperty() source!: string;
  @ApiProperty({ description: '1 for the model’s own bases, 2 for theirs, …' }) depth!: number;
  @ApiProperty() base_known!: boolean;
}

export class AncestryDto {
  @ApiProperty() model_id!: string;
  @ApiProperty({ type: [AncestryEdgeDto] }) edges!: AncestryEdgeDto[];
  @ApiProperty({ type: [String], description: 'Ancestors with no base of their own.' }) roots!: string[];
}

export class DerivativesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RELATIONS, description: 'Only this relation at the first level.' })
  @IsOptional()
  @IsIn(RELATIONS)
  relation?: Relation;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: 1, description: 'Levels below the model.' })
  @IsOptional()
  @Transform(int)
  @IsInt()
  @Min(1)
  @Max(10)
  depth?: number;
}

export class DerivativeDto {
  @ApiProperty() model_id!: string;
  @ApiProperty() base_model_id!: string;
  @ApiProperty({ enum: RELATIONS }) relation!: Relation;
  @ApiProperty() depth!: number;
  @ApiProperty({ description: 'Every model below this one.' }) descendants!: number;
}

/** `owner/name` or a single-segment id, as the path carries it. */
export class ModelIdParams {
  @ApiProperty({ example: 'meta-llama' })
  @Matches(/^[\w.-]{1,100}$/)
  owner!: string;

  @ApiProperty({ example: 'Llama-3.1-8B-Instruct' })
  @Matches(/^[\w.-]{1,100}$/)
  name!: string;
}
