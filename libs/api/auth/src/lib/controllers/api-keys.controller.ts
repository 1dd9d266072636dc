import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiPaginatedResponse,
  Authenticated,
  CurrentUser,
  Paginated,
  pageWindow,
  paginated,
  Principal,
} from '@mph/api-core';
import { ApiKeyDto, ApiKeysQueryDto, CreateApiKeyDto, CreatedApiKeyDto } from '../dto/api-keys.dto';
import { ApiKeysService } from '../services/api-keys.service';

/** Keys are managed from a signed-in session (an API key cannot mint or revoke keys). */
@ApiTags('api-keys')
@Authenticated()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key. The response carries the full key in `key`, this once only.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async createApiKey(@CurrentUser() user: Principal, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { entity, key } = await this.keys.create(user, {
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expires_at,
    });
    return { ...ApiKeyDto.from(entity), key };
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys (admins: everyone’s), newest first.' })
  @ApiPaginatedResponse(ApiKeyDto)
  async listApiKeys(@CurrentUser() user: Principal, @Query() query: ApiKeysQueryDto): Promise<Paginated<ApiKeyDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.keys.list(user, window, query.include_revoked ?? false);
    return paginated(rows.map(ApiKeyDto.from), total, window);
  }

  @Get(':id')
  @ApiOkResponse({ type: ApiKeyDto })
  async getApiKey(@CurrentUser() user: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.keys.get(user, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once.' })
  @ApiNoContentResponse()
  revokeApiKey(@CurrentUser() user: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.keys.revoke(user, id);
  }
}
