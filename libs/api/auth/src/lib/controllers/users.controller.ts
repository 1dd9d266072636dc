import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPaginatedResponse, CurrentUser, Paginated, pageWindow, paginated, Principal, Roles } from '@mph/api-core';
import { UserDto } from '../dto/auth.dto';
import { CreatedUserDto, CreateUserDto, PasswordResetDto, UpdateUserDto, UsersQueryDto } from '../dto/users.dto';
import { actorOf } from '../services/audit.service';
import { UsersService } from '../services/users.service';

@ApiTags('users')
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Users, by email.' })
  @ApiPaginatedResponse(UserDto)
  async listUsers(@Query() query: UsersQueryDto): Promise<Paginated<UserDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.users.list({ q: query.q, role: query.role }, window);
    return paginated(rows.map(UserDto.from), total, window);
  }

  @Post()
  @ApiOperation({ summary: 'Create a user; without a password one is generated and returned once.' })
  @ApiCreatedResponse({ type: CreatedUserDto })
  async createUser(@CurrentUser() admin: Principal, @Body() body: CreateUserDto): Promise<CreatedUserDto> {
    const { user, generatedPassword } = await this.users.create(actorOf(admin), {
      email: body.email,
      displayName: body.display_name,
      role: body.role,
      password: body.password,
    });
    return { ...UserDto.from(user), ...(generatedPassword ? { password: generatedPassword } : {}) };
  }

  @Get(':id')
  @ApiOkResponse({ type: UserDto })
  async getUser(@Param('id', ParseUUIDPipe) id: string): Promise<UserDto> {
    return UserDto.from(await this.users.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change display name, role or disabled; the last active admin cannot be demoted or disabled.',
  })
  @ApiOkResponse({ type: UserDto })
  async updateUser(
    @CurrentUser() admin: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    return UserDto.from(
      await this.users.update(admin, id, { displayName: body.display_name, role: body.role, disabled: body.disabled }),
    );
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate a new password (returned once) and end the user’s sessions.' })
  @ApiOkResponse({ type: PasswordResetDto })
  async resetUserPassword(
    @CurrentUser() admin: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PasswordResetDto> {
    return { password: await this.users.resetPassword(admin, id) };
  }
}
