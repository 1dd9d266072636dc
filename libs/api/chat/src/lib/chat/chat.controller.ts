import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { StreamTicketAuth } from '@mph/api-auth';
import { ApiListResponse, Authenticated, CurrentUser, Listed, listOf, Principal } from '@mph/api-core';
import type { Response } from 'express';
import {
  ChatModelDto,
  CreateProjectDto,
  CreatePromptDto,
  CreateSessionDto,
  NewPromptVersionDto,
  ProjectDto,
  PromptDto,
  PromptsQueryDto,
  SendMessageDto,
  SentMessageDto,
  SessionDetailDto,
  SessionDto,
  UpdateProjectDto,
  UpdateSessionDto,
} from './chat.dto';
import { ChatModelsService } from './chat-models.service';
import { ChatStreamService } from './chat-stream.service';
import { ChatService } from './chat.service';

const uuid = () => new ParseUUIDPipe();

/** The chat playground's data: projects, versioned prompts, sessions and their messages (members, their own). */
@ApiTags('chat')
@Authenticated()
@Controller()
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    private readonly streams: ChatStreamService,
    private readonly models: ChatModelsService,
  ) {}

  @Get('chat/models')
  @ApiOperation({
    summary: 'Models you can chat with: the connection serving each, and its price now (null when unknown)',
  })
  @ApiListResponse(ChatModelDto)
  async listChatModels(@CurrentUser() by: Principal): Promise<Listed<ChatModelDto>> {
    return listOf(await this.models.list(by));
  }

  @Get('projects')
  @ApiListResponse(ProjectDto)
  async listProjects(@CurrentUser() by: Principal): Promise<Listed<ProjectDto>> {
    return listOf(await this.chat.listProjects(by));
  }

  @Post('projects')
  @ApiCreatedResponse({ type: ProjectDto })
  createProject(@CurrentUser() by: Principal, @Body() body: CreateProjectDto): Promise<ProjectDto> {
    return this.chat.createProject(by, body);
  }

  @Get('projects/:id')
  @ApiOkResponse({ type: ProjectDto })
  getProject(@CurrentUser() by: Principal, @Param('id', uuid()) id: string): Promise<ProjectDto> {
    return this.chat.project(by, id);
  }

  @Patch('projects/:id')
  @ApiOkResponse({ type: ProjectDto })
  updateProject(
    @CurrentUser() by: Principal,
    @Param('id', uuid()) id: string,
    @Body() body: UpdateProjectDto,
  ): Promise<ProjectDto> {
    return this.chat.updateProject(by, id, body);
  }

  @Delete('projects/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteProject(@CurrentUser() by: Principal, @Param('id', uuid()) id: string): Promise<void> {
    return this.chat.deleteProject(by, id);
  }

  @Get('projects/:id/sessions')
  @ApiListResponse(SessionDto)
  async listSessions(@CurrentUser() by: Principal, @Param('id', uuid()) id: string): Promise<Listed<SessionDto>> {
    return listOf(await this.chat.listSessions(by, id));
  }

  @Get('prompts')
  @ApiListResponse(PromptDto)
  async listPrompts(@CurrentUser() by: Principal, @Query() q: PromptsQueryDto): Promise<Listed<PromptDto>> {
    return listOf(await this.chat.listPrompts(by, q.project_id));
  }

  @Post('prompts')
  @ApiOperation({ summary: 'A prompt template with {{variables}}; it starts at version 1.' })
  @ApiCreatedResponse({ type: PromptDto })
  createPrompt(@CurrentUser() by: Principal, @Body() body: CreatePromptDto): Promise<PromptDto> {
    return this.chat.createPrompt(by, body);
  }

  @Get('prompts/:id')
  @ApiOkResponse({ type: PromptDto })
  getPrompt(@CurrentUser() by: Principal, @Param('id', uuid()) id: string): Promise<PromptDto> {
    return this.chat.prompt(by, id);
  }

  @Post('prompts/:id/versions')
  @ApiOperation({ summary: 'Edit a prompt: adds a version (sessions keep the version they used).' })
  @ApiCreatedResponse({ type: PromptDto })
  addPromptVersion(
    @CurrentUser() by: Principal,
    @Param('id', uuid()) id: string,
    @Body() body: NewPromptVersionDto,
  ): Promise<PromptDto> {
    return this.chat.addPromptVersion(by, id, body);
  }

  @Delete('prompts/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deletePrompt(@CurrentUser() by: Principal, @Param('id', uuid()) id: string): Promise<void> {
    return this.chat.deletePrompt(by, id);
  }

  @Post('sessions')
  @ApiCreatedResponse({ type: SessionDetailDto })
  createSession(@CurrentUser() by: Principal, @Body() body: CreateSessionDto): Promise<SessionDetailDto> {
    return this.chat.createSession(by, body);
  }

  @Get('sessions/:id')
  @ApiOkResponse({ type: SessionDetailDto })
  getSession(@CurrentUser() by: Principal, @Param('id', uuid()) id: string): Promise<SessionDetailDto> {
    return this.chat.session(by, id);
  }

  @Patch('sessions/:id')
  @ApiOkResponse({ type: SessionDetailDto })
  updateSession(
    @CurrentUser() by: Principal,
    @Param('id', uuid()) id: string,
    @Body() body: UpdateSessionDto,
  ): Promise<SessionDetailDto> {
    return this.chat.updateSession(by, id, body);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteSession(@CurrentUser() by: Principal, @Param('id', uuid()) id: string): Promise<void> {
    return this.chat.deleteSession(by, id);
  }

  @Post('sessions/:id/messages')
  @ApiOperation({ summary: 'Send a message; open the returned stream_url (EventSource) to get the answer.' })
  @ApiCreatedResponse({ type: SentMessageDto })
  sendChatMessage(
    @CurrentUser() by: Principal,
    @Param('id', uuid()) id: string,
    @Body() body: SendMessageDto,
  ): Promise<SentMessageDto> {
    return this.streams.send(by, id, body);
  }
}

/** The answer's event stream; the ticket is the credential, re-checked (the sign-in is still alive) when it opens. */
@ApiTags('chat')
@Controller('chat')
export class ChatStreamController {
  constructor(private readonly streams: ChatStreamService) {}

  @Get('messages/:id/stream')
  @StreamTicketAuth('chat-stream')
  @ApiOperation({ summary: 'Server-sent events: `token` ({text}) events, then `done` or `error` (the message).' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ schema: { type: 'string' } })
  async streamChatAnswer(@CurrentUser() by: Principal, @Param('id') id: string, @Res() res: Response): Promise<void> {
    // The ticket names this id (issued for a numeric message id), so the guard has refused any other id already.
    await this.streams.stream(by, id, res);
  }
}
