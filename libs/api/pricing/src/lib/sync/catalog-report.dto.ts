import { ApiProperty } from '@nestjs/swagger';
import { SourceHealthDto } from './sync.dto';

export class CountByDto {
  @ApiProperty() key!: string;
  @ApiProperty() count!: number;
}

class ReportModelsDto {
  @ApiProperty() live!: number;
  @ApiProperty({ description: 'Models at least one provider serves.' }) with_offerings!: number;
  @ApiProperty({ description: 'Models merged into another (their ids are aliases there).' }) merged!: number;
  @ApiProperty({ type: [CountByDto], description: 'By where they came from: a feed, huggingface, manual, demo.' })
  by_source!: CountByDto[];
}

class ReportOfferingsDto {
  @ApiProperty() live!: number;
  @ApiProperty({ description: 'Placed by an operator: no sync moves them.' }) pinned!: number;
  @ApiProperty({ type: [CountByDto], description: 'Why they serve their model: feed, name, new, operator, legacy.' })
  by_basis!: CountByDto[];
  @ApiProperty({ description: 'Free tiers, commitment plans, qualities.' }) with_variant!: number;
  @ApiProperty({ description: "With other spellings of the provider's id." }) with_aliases!: number;
  @ApiProperty({ type: [CountByDto], description: 'How many live sync sources report each offering: 0, 1, 2, 3+.' })
  by_feeds!: CountByDto[];
}

class TopModelDto {
  @ApiProperty() model_id!: string;
  @ApiProperty() offerings!: number;
  @ApiProperty() providers!: number;
}

class OfferingsPerModelDto {
  @ApiProperty({ type: [CountByDto], description: 'Models by number of offerings.' }) buckets!: CountByDto[];
  @ApiProperty({ type: [TopModelDto] }) top!: TopModelDto[];
}

class UnresolvedSampleDto {
  @ApiProperty() provider!: string;
  @ApiProperty() provider_model_id!: string;
  @ApiProperty() model_id!: string;
  @ApiProperty() reason!: string;
}

class UnresolvedDto {
  @ApiProperty({
    description:
      "Offerings whose model nothing else links to: a model made from one third party's id. A maker's own model only " +
      'the maker serves is not counted.',
  })
  total!: number;
  @ApiProperty({ type: [CountByDto] }) by_reason!: CountByDto[];
  @ApiProperty({ type: [UnresolvedSampleDto] }) sample!: UnresolvedSampleDto[];
}

class AmbiguousSampleDto {
  @ApiProperty() provider!: string;
  @ApiProperty() provider_model_id!: string;
  @ApiProperty() model_id!: string;
  @ApiProperty({ type: [String], description: 'Other models the id matched.' }) alternatives!: string[];
}

class AmbiguousDto {
  @ApiProperty({ description: 'Offerings whose id matched more than one model (the strongest was taken).' })
  total!: number;
  @ApiProperty({ type: [AmbiguousSampleDto] }) sample!: AmbiguousSampleDto[];
}

class ConflictValueDto {
  @ApiProperty() source!: string;
  @ApiProperty({
    oneOf: [{ type: 'boolean' }, { type: 'integer' }, { type: 'string' }, { type: 'array', items: { type: 'string' } }],
  })
  value!: unknown;
}

class ConflictSampleDto {
  @ApiProperty() model_id!: string;
  @ApiProperty() field!: string;
  @ApiProperty({ type: [ConflictValueDto] }) values!: ConflictValueDto[];
}

class CapabilityConflictsDto {
  @ApiProperty({ description: 'Models with at least one field the feeds disagree on.' }) models!: number;
  @ApiProperty({ type: [CountByDto] }) by_field!: CountByDto[];
  @ApiProperty({ type: [ConflictSampleDto] }) sample!: ConflictSampleDto[];
}

class HeldSummaryDto {
  @ApiProperty() held!: number;
  @ApiProperty() approved!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() superseded!: number;
}

export class CatalogReportDto {
  @ApiProperty({ format: 'date-time' }) generated_at!: string;
  @ApiProperty({ type: ReportModelsDto }) models!: ReportModelsDto;
  @ApiProperty({ type: ReportOfferingsDto }) offerings!: ReportOfferingsDto;
  @ApiProperty({ type: OfferingsPerModelDto }) offerings_per_model!: OfferingsPerModelDto;
  @ApiProperty({ type: UnresolvedDto }) unresolved!: UnresolvedDto;
  @ApiProperty({ type: AmbiguousDto }) ambiguous!: AmbiguousDto;
  @ApiProperty({ type: HeldSummaryDto, description: 'Prices the sanity guards held, by status.' })
  held_prices!: HeldSummaryDto;
  @ApiProperty({ type: CapabilityConflictsDto }) capability_conflicts!: CapabilityConflictsDto;
  @ApiProperty({
    description: 'Offerings (and conditions) where live sources differ by more than 5 % on input or output.',
  })
  price_disagreements!: number;
  @ApiProperty({ type: [SourceHealthDto] }) sources!: SourceHealthDto[];
}
