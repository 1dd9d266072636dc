import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DomainError } from '../errors/domain-error';

export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 20;

/** `?page=&per_page=` for every list endpoint; extend it with the endpoint's own filters. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1, description: 'Page number, starting at 1.' })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: DEFAULT_PER_PAGE, description: 'Items per page.' })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  per_page?: number;
}

export class PageMetaDto {
  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 20 })
  per_page!: number;

  @ApiProperty({ example: 42, description: 'Items across all pages.' })
  total!: number;
}

export interface Paginated<T> {
  data: T[];
  meta: PageMetaDto;
}

/** The `meta` of a list that is answered whole (no paging): how many items it has. */
export class ListMetaDto {
  @ApiProperty({ example: 3, description: 'Items in the list.' })
  total!: number;
}

export interface Listed<T> {
  data: T[];
  meta: ListMetaDto;
}

/** A whole list in the one list envelope: `{ data, meta: { total } }`. */
export function listOf<T>(data: T[]): Listed<T> {
  return { data, meta: { total: data.length } };
}

/** Documents `{ data: T[], meta: { total } }` for Swagger and the generated client. */
export function ApiListResponse<T extends Type<unknown>>(model: T, description = 'The whole list.') {
  return apiEnvelope(model, ListMetaDto, description);
}

/**
 * The one cursor format of keyset-paged lists: the position as JSON, base64url-encoded (opaque to clients). Each list
 * decodes its own fields; anything else is 400 INVALID_CURSOR.
 */
export function encodeCursor(position: Record<string, string | number | null>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a cursor holds, checked by `valid`; 400 INVALID_CURSOR (with `hint`) when it is not one of ours. */
export function decodeCursor<T>(
  cursor: string,
  valid: (p: Record<string, unknown>) => p is T & Record<string, unknown>,
  hint = 'start again without it',
): T {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    position = null;
  }
  if (
    !position ||
    typeof position !== 'object' ||
    Array.isArray(position) ||
    !valid(position as Record<string, unknown>)
  ) {
    throw DomainError.badRequest('INVALID_CURSOR', `cursor is not one this API gave out; ${hint}.`, [
      { field: 'cursor', problems: ['unknown cursor'] },
    ]);
  }
  return position as T;
}

export interface PageWindow {
  page: number;
  perPage: number;
  offset: number;
  limit: number;
}

/** Resolves defaults and the SQL offset/limit for a page query. */
export function pageWindow(query: PageQueryDto): PageWindow {
  const page = query.page ?? 1;
  const perPage = Math.min(query.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
  return { page, perPage, offset: (page - 1) * perPage, limit: perPage };
}

export function paginated<T>(data: T[], total: number, window: PageWindow): Paginated<T> {
  return { data, meta: { page: window.page, per_page: window.perPage, total } };
}

/** Documents `{ data: T[], meta }` for Swagger and the generated client. */
export function ApiPaginatedResponse<T extends Type<unknown>>(model: T, description = 'One page of results.') {
  return apiEnvelope(model, PageMetaDto, description);
}

/** The one list envelope in the OpenAPI document: `{ data: model[], meta: meta }`. */
function apiEnvelope(model: Type<unknown>, meta: Type<unknown>, description: string) {
  return applyDecorators(
    ApiExtraModels(meta, model),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['data', 'meta'],
        properties: {
          data: { type: 'array', items: { $ref: getSchemaPath(model) } },
          meta: { $ref: getSchemaPath(meta) },
        },
      },
    }),
  );
}
