import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListResponse, Authenticated, CurrentUser, Listed, listOf, Principal } from '@mph/api-core';
import { ConnectionDto, ConnectionTestDto, CreateConnectionDto, UpdateConnectionDto } from './connections.dto';
import { ConnectionsService } from './connections.service';

/** Provider connections: admins manage shared ones, members their own; keys are write-only. */
@ApiTags('connections')
@Authenticated()
@Controller('connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get()
  @ApiOperation({ summary: 'Shared connections and your own (admins: all), with their circuit-breaker state.' })
  @ApiListResponse(ConnectionDto)
  async listConnections(@CurrentUser() by: Principal): Promise<Listed<ConnectionDto>> {
    return listOf(await this.connections.list(by));
  }

  @Post()
  @ApiOperation({
    summary: 'Add an OpenAI-compatible connection (OpenAI, OpenRouter, Together, Groq, vLLM, Ollama …).',
  })
  @ApiCreatedResponse({ type: ConnectionDto })
  createConnection(@CurrentUser() by: Principal, @Body() body: CreateConnectionDto): Promise<ConnectionDto> {
    return this.connections.create(by, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: ConnectionDto })
  getConnection(@CurrentUser() by: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<ConnectionDto> {
    return this.connections.get(by, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ConnectionDto })
  updateConnection(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateConnectionDto,
  ): Promise<ConnectionDto> {
    return this.connections.update(by, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteConnection(@CurrentUser() by: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.connections.remove(by, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'List the upstream’s models with the stored key (proves URL and key).' })
  @ApiOkResponse({ type: ConnectionTestDto })
  testConnection(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ConnectionTestDto> {
    return this.connections.test(by, id);
  }
}
