import { Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import {
  AcceptApiKeyScopes,
  Authenticated,
  CoreModule,
  CurrentUser,
  Principal,
  Public,
  RateWeight,
  RawEnv,
  Role,
  Roles,
} from '@mph/api-core';
import { createTestApp, TestApp, TestDatabase, TEST_ENV } from '@mph/api-core/testing';
import request from 'supertest';
import { AuthModule } from '../src';
import { SYSTEM_ACTOR } from '../src/lib/services/audit.service';
import { UsersService } from '../src/lib/services/users.service';

/** Routes with each kind of access rule, to test the guards on their own. */
@Controller('probe')
export class ProbeController {
  @Get('public')
  @Public()
  publicRoute(@CurrentUser() user?: Principal) {
    return { user: user?.email ?? null };
  }

  /** A batch-like route: one request of the budget per 10 items. */
  @Post('batch')
  @HttpCode(200)
  @Public()
  @RateWeight((body) => Math.ceil(((body as { items?: unknown[] })?.items?.length ?? 0) / 10))
  batch() {
    return { ok: true };
  }

  @Get('signed-in')
  @Authenticated()
  signedIn(@CurrentUser() user: Principal) {
    return { user: user.email, via: user.via };
  }

  @Get('operators')
  @Roles('operator', 'admin')
  operators() {
    return { ok: true };
  }

  @Post('usage')
  @Authenticated()
  @AcceptApiKeyScopes('usage:write')
  usage(@CurrentUser() user: Principal) {
    return { user: user.email, key: user.apiKeyId ?? null };
  }

  @Get('undecided')
  undecided() {
    return { ok: true };
  }
}

@Module({})
class AuthTestRoot {}

export const ADMIN = { email: TEST_ENV['ADMIN_EMAIL'] as string, password: TEST_ENV['ADMIN_PASSWORD'] as string };

export function authApp(options: { env?: RawEnv; database?: TestDatabase } = {}): Promise<TestApp> {
  return createTestApp({
    ...options,
    root: (o) => ({ module: AuthTestRoot, imports: [CoreModule.forRoot(o), AuthModule] }),
    controllers: [ProbeController],
  });
}

export const http = (t: TestApp) => request(t.app.getHttpServer());

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export async function login(t: TestApp, email: string, password: string): Promise<Tokens> {
  const res = await http(t).post('/api/v1/auth/login').send({ email, password }).expect(200);
  return res.body;
}

let seq = 0;
/** A user with `role`, signed in. */
export async function makeUser(
  t: TestApp,
  role: Role,
  name = `${role}${++seq}`,
): Promise<{ id: string; email: string; password: string; token: string }> {
  const email = `${name}@test.local`;
  const password = `${name}-password-123`;
  const { user } = await t.app.get(UsersService).create(SYSTEM_ACTOR, { email, role, password });
  const tokens = await login(t, email, password);
  return { id: user.id, email, password, token: tokens.access_token };
}

/** No response may ever carry a password hash or an API key's secret hash. */
export function expectNoSecrets(body: unknown): void {
  const text = JSON.stringify(body);
  for (const leak of ['password_hash', 'passwordHash', 'secret_hash', 'secretHash', 'token_hash', '$2b$', '$2a$']) {
    expect(text).not.toContain(leak);
  }
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
