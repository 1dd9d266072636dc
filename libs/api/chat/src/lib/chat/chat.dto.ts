import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

const MODEL = /^[\w.:@/-]{1,200}$/;

export class CreateProjectDto {
  @ApiProperty({ example: 'Support bot' }) @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'gpt-4o-mini' })
  @IsOptional()
  @Matches(MODEL, { message: 'default_model: a model id such as gpt-4o-mini' })
  default_model?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() settings?: Record<
    string,
    unknown
  >;
}

export class UpdateProjectDto extends PartialType(CreateProjectDto) {
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The project’s system prompt.' })
  @IsOptional()
  @IsUUID()
  system_prompt_id?: string | null;
}

export class ProjectDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: String, nullable: true }) default_model!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) system_prompt_id!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings!: Record<string, unknown>;
  @ApiProperty() sessions!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class CreatePromptDto {
  @ApiProperty({ example: 'Support persona' }) @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiProperty({ example: 'You answer questions about {{product}} politely.' })
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  template!: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) @IsOptional() @IsUUID() project_id?:
    string | null;
}

export class NewPromptVersionDto extends PickType(CreatePromptDto, ['template'] as const) {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
}

export class PromptVersionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() version!: number;
  @ApiProperty() template!: string;
  @ApiProperty({ type: [String], description: 'The {{variables}} the template uses.' }) variables!: string[];
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class PromptDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) project_id!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiPropertyOptional({ type: PromptVersionDto }) latest?: PromptVersionDto;
  @ApiPropertyOptional({ type: [PromptVersionDto], description: 'Newest first.' }) versions?: PromptVersionDto[];
}

export class PromptsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() project_id?: string;
}

export class CreateSessionDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() project_id!: string;
  @ApiPropertyOptional({ example: 'local/echo', description: 'Default: the project’s default model, else local/echo.' })
  @IsOptional()
  @Matches(MODEL, { message: 'model: a model id such as gpt-4o-mini' })
  model?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) title?: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Default: the project’s prompt.' })
  @IsOptional()
  @IsUUID()
  prompt_version_id?: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Values for the prompt’s {{variables}}.',
  })
  @IsOptional()
  @IsObject()
  variables?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Call parameters: temperature, max_tokens, top_p …',
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

export class UpdateSessionDto extends PartialType(
  PickType(CreateSessionDto, ['model', 'title', 'variables', 'params'] as const),
) {}

export class ChatMessageDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['system', 'user', 'assistant'] }) role!: string;
  @ApiProperty() content!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) attachments!: unknown[];
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: { type: 'number' } }) usage!: Record<
    string,
    number
  > | null;
  @ApiProperty({ type: String, nullable: true, example: '0.00000345' }) cost!: string | null;
  @ApiProperty({ type: String, nullable: true }) currency!: string | null;
  @ApiProperty({ type: Number, nullable: true }) latency_ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) ttft_ms!: number | null;
  @ApiProperty({ type: String, nullable: true }) transaction_id!: string | null;
  @ApiProperty({ enum: ['pending', 'streaming', 'complete', 'partial', 'error'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) project_id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) prompt_version_id!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) variables!: Record<string, unknown>;
  @ApiProperty() messages!: number;
  @ApiProperty({ type: String, nullable: true }) cost!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class SessionDetailDto extends SessionDto {
  @ApiProperty({ type: [ChatMessageDto] }) items!: ChatMessageDto[];
}

export class AttachmentInputDto {
  @ApiProperty({ example: 'prices.csv' }) name!: string;
  @ApiPropertyOptional({ example: 'text/csv', description: 'Default: from the file name.' }) media_type?: string;
  @ApiPropertyOptional({
    description: 'A text file’s content (txt, md, csv, json; the console reads it in the browser).',
  })
  text?: string;
  @ApiPropertyOptional({ description: 'A PDF, base64-encoded (2 MB at most); its text is extracted on the server.' })
  data?: string;
}

export class SendMessageDto {
  @ApiProperty({ example: 'What does gpt-4o-mini cost per million tokens?' })
  @IsString()
  @MinLength(1)
  @MaxLength(200_000)
  content!: string;
  @ApiPropertyOptional({
    type: [AttachmentInputDto],
    description:
      'Up to 5 files the model reads with the message: txt, md, csv, json (512 KB each) as text, PDF (2 MB) as base64 data.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  attachments?: AttachmentInputDto[];
}

export class SentMessageDto {
  @ApiProperty({ type: ChatMessageDto }) user_message!: ChatMessageDto;
  @ApiProperty({ type: ChatMessageDto, description: 'Pending until its stream is opened.' })
  assistant_message!: ChatMessageDto;
  @ApiProperty({ description: 'Open with EventSource: token events, then done (the message) or error.' })
  stream_url!: string;
}

export class ChatModelPriceDto {
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ example: '0.15', description: 'Base input price per 1M tokens (decimal string).' })
  input_per_mtok!: string;
  @ApiProperty({ example: '0.6', description: 'Base output price per 1M tokens (decimal string).' })
  output_per_mtok!: string;
}

export class ChatModelDto {
  @ApiProperty({ example: 'gpt-4o-mini', description: 'The id to chat with (and to send to /v1).' }) model!: string;
  @ApiProperty({ example: 'OpenAI', description: 'The connection that serves it first.' }) via!: string;
  @ApiProperty({ example: 'openai', description: 'The provider it is priced as.' }) provider!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) offering_id!: string | null;
  @ApiProperty({
    type: ChatModelPriceDto,
    nullable: true,
    description: 'The offering’s price now (standard tier, default region); null when unknown, which is not free.',
  })
  price!: ChatModelPriceDto | null;
  @ApiProperty({ type: Number, nullable: true }) context_window!: number | null;
}
