import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListResponse, CurrentUser, Listed, listOf, Principal, Roles } from '@mph/api-core';
import { GatewayLimitDto, SetGatewayLimitDto } from './limits.dto';
import { LimitRow, RateLimitsService } from './rate-limits.service';

const dto = (r: LimitRow): GatewayLimitDto => ({
  ...r,
  created_at: new Date(r.created_at).toISOString(),
  updated_at: new Date(r.updated_at).toISOString(),
});

/** Request and token limits per API key or project for gateway and chat calls (operators and admins). */
@ApiTags('connections')
@Roles('operator', 'admin')
@Controller('gateway/limits')
export class LimitsController {
  constructor(private readonly limits: RateLimitsService) {}

  @Get()
  @ApiListResponse(GatewayLimitDto)
  async listGatewayLimits(): Promise<Listed<GatewayLimitDto>> {
    return listOf(await (await this.limits.list()).map(dto));
  }

  @Put()
  @ApiOperation({ summary: 'Set (or replace) the limits of an API key or a project; over them calls get 429.' })
  @ApiOkResponse({ type: GatewayLimitDto })
  async setGatewayLimit(@CurrentUser() by: Principal, @Body() body: SetGatewayLimitDto): Promise<GatewayLimitDto> {
    return dto(await this.limits.set(by, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteGatewayLimit(@CurrentUser() by: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.limits.remove(by, id);
  }
}
