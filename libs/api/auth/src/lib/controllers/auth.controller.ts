import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AcceptApiKeyScopes,
  API_KEY_SCOPES,
  APP_CONFIG,
  AppConfig,
  Authenticated,
  CurrentUser,
  DomainError,
  LoginThrottle,
  Principal,
  Public,
} from '@mph/api-core';
import type { Request, Response } from 'express';
import { ChangePasswordDto, LoginDto, RefreshDto, TokenPairDto, UserDto } from '../dto/auth.dto';
import { SessionsService, TokenPair } from '../services/sessions.service';
import { UsersService } from '../services/users.service';

export const REFRESH_COOKIE = 'mph_refresh';
/** Readable by the console (holds no secret): tells it a session may be restored, sparing a doomed refresh call. */
export const SIGNED_IN_COOKIE = 'mph_signed_in';
const COOKIE_PATH = '/api/v1/auth';

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @Public()
  @LoginThrottle()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: an access token (JWT) and a refresh token. Limited per IP against brute force.' })
  @ApiOkResponse({ type: TokenPairDto })
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPairDto> {
    return this.withCookie(req, res, await this.users.login(body.email, body.password));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token (body or mph_refresh cookie) for new tokens; the old one stops working.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  async refreshTokens(
    @Body() body: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPairDto> {
    const token = body.refresh_token ?? cookie(req, REFRESH_COOKIE);
    if (!token)
      throw new DomainError(401, 'INVALID_REFRESH_TOKEN', 'No refresh token: send refresh_token or sign in again.');
    try {
      return this.withCookie(req, res, await this.sessions.refresh(token));
    } catch (error) {
      this.clearCookies(res);
      throw error;
    }
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the session of the access token, or of the refresh token (body or cookie). Always 204.',
  })
  @ApiNoContentResponse()
  async logout(
    @Body() body: RefreshDto,
    @CurrentUser() user: Principal | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    this.clearCookies(res);
    if (user?.sessionId) return this.sessions.revoke(user.sessionId, 'logout');
    const token = body.refresh_token ?? cookie(req, REFRESH_COOKIE);
    const session = token ? await this.sessions.sessionOfRefreshToken(token) : null;
    if (session) await this.sessions.revoke(session.id, 'logout');
  }

  @Get('me')
  @Authenticated()
  @AcceptApiKeyScopes(...API_KEY_SCOPES)
  @ApiOperation({ summary: 'The signed-in user (or the owner of the API key used).' })
  @ApiOkResponse({ type: UserDto })
  async getMe(@CurrentUser() user: Principal): Promise<UserDto> {
    return UserDto.from(await this.users.get(user.userId));
  }

  @Post('password')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your password; your other sessions end.' })
  @ApiNoContentResponse()
  changePassword(@CurrentUser() user: Principal, @Body() body: ChangePasswordDto): Promise<void> {
    return this.users.changePassword(user, body.current_password, body.new_password);
  }

  /**
   * The console keeps the refresh token only in this httpOnly cookie, out of reach of page scripts. In production it
   * is always Secure (TLS usually ends at a proxy, so the request itself may look like plain HTTP; browsers accept
   * Secure cookies from http://localhost too).
   */
  private withCookie(req: Request, res: Response, pair: TokenPair): TokenPair {
    const secure = req.secure || this.config.env === 'production';
    res.cookie(REFRESH_COOKIE, pair.refresh_token, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: COOKIE_PATH,
      maxAge: this.config.auth.refreshTtlDays * 86_400_000,
    });
    res.cookie(SIGNED_IN_COOKIE, '1', {
      sameSite: 'strict',
      secure,
      path: '/',
      maxAge: this.config.auth.refreshTtlDays * 86_400_000,
    });
    return pair;
  }

  private clearCookies(res: Response): void {
    res.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
    res.clearCookie(SIGNED_IN_COOKIE, { path: '/' });
  }
}
