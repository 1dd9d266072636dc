import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { OfferingDto } from './models.dto';

const MODEL_ID = /^[\w.-]{1,100}\/[\w.-]{1,100}$/;

class IdentityWriteDto {
  @ApiPropertyOptional({ description: 'Only show what would change (nothing is written).' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}

export class MergeModelDto extends IdentityWriteDto {
  @ApiProperty({ example: 'openai/gpt-oss-120b', description: 'The model that stays (id or alias).' })
  @IsString()
  @MinLength(3)
  @MaxLength(201)
  into!: string;
}

export class SplitModelDto extends IdentityWriteDto {
  @ApiProperty({ example: 'acme/rocket-8b-fast', description: 'The new model (owner/name) the offerings move to.' })
  @Matches(MODEL_ID, { message: 'new_model_id must be owner/name' })
  new_model_id!: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Its display name (default: the name part of the id).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  display_name?: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The offerings of this model that serve the new one.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  offering_ids!: string[];
}

export class MoveOfferingDto extends IdentityWriteDto {
  @ApiProperty({ example: 'openai/gpt-oss-120b', description: 'The model this offering serves (id or alias).' })
  @IsString()
  @MinLength(3)
  @MaxLength(201)
  model_id!: string;
}

export class IdentityChangeDto {
  @ApiProperty({ enum: ['merge', 'split', 'move'] }) action!: string;
  @ApiProperty({ description: 'false for a dry run: what would change.' }) applied!: boolean;
  @ApiProperty() from_model!: string;
  @ApiProperty() to_model!: string;
  @ApiProperty({ description: 'Split: the target model is created.' }) creates_model!: boolean;
  @ApiProperty({ type: [OfferingDto], description: 'The offerings that move (pinned there: syncs never move them).' })
  offerings!: OfferingDto[];
  @ApiProperty({ type: [String], description: 'Ids that become aliases of the target (merge: the merged model).' })
  aliases_added!: string[];
  @ApiProperty({ description: 'Merge: the merged model is removed (its id resolves to the target).' })
  removes_model!: boolean;
  @ApiProperty({ description: 'The source model has no live offering left afterwards.' }) leaves_empty!: boolean;
  @ApiProperty({ example: 'Moves 3 offerings to openai/gpt-oss-120b; fireworks/gpt-oss-120b becomes its alias.' })
  summary!: string;
}
