import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ProjectAccess } from '@mph/api-auth';
import { ApiListResponse, Authenticated, CurrentUser, Listed, listOf, Principal } from '@mph/api-core';
import { IsEmail, MaxLength } from 'class-validator';

export class AddProjectMemberDto {
  @ApiProperty({ example: 'colleague@example.com', description: 'An active user of this hub.' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email!: string;
}

export class ProjectMemberDto {
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ['owner', 'member'] }) role!: string;
  @ApiProperty({ format: 'date-time' }) added_at!: string;
}

const uuid = () => new ParseUUIDPipe();

/**
 * Who may use a project: its owner and the members the owner adds. Members may name the project in usage events and
 * in the gateway's X-MPH-Project header (its usage, limits and budgets then apply to them); nobody else can.
 */
@ApiTags('chat')
@Authenticated()
@Controller('projects/:id/members')
export class ProjectMembersController {
  constructor(private readonly projects: ProjectAccess) {}

  @Get()
  @ApiOperation({ summary: 'The project’s owner and members (owner, members, operators and admins)' })
  @ApiListResponse(ProjectMemberDto)
  async listProjectMembers(
    @CurrentUser() by: Principal,
    @Param('id', uuid()) id: string,
  ): Promise<Listed<ProjectMemberDto>> {
    return listOf(await this.projects.members(by, id));
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Adds a member by email (the owner or an admin); answers the members' })
  @ApiOkResponse({ type: [ProjectMemberDto] })
  addProjectMember(
    @CurrentUser() by: Principal,
    @Param('id', uuid()) id: string,
    @Body() body: AddProjectMemberDto,
  ): Promise<ProjectMemberDto[]> {
    return this.projects.addMember(by, id, body.email);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Removes a member (the owner or an admin; a member may leave)' })
  @ApiNoContentResponse()
  removeProjectMember(
    @CurrentUser() by: Principal,
    @Param('id', uuid()) id: string,
    @Param('userId', uuid()) userId: string,
  ): Promise<void> {
    return this.projects.removeMember(by, id, userId);
  }
}
