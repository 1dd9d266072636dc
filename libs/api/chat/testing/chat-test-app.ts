import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CatalogModule, DemoSeedService } from '@mph/api-catalog';
import { CoreModule, Role } from '@mph/api-core';
import { createTestApp, TestApp, TestAppOptions } from '@mph/api-core/testing';
import { CostTrackingModule } from '@mph/api-cost-tracking';
import { DemoPricesSeedService, PricingModule } from '@mph/api-pricing';
import request from 'supertest';
import { ChatModule } from '../src';

@Module({})
class ChatTestRoot {}

/** The chat lib with everything it stands on, the demo catalog and prices loaded; private hosts allowed to everyone (fakes). */
export async function createChatTestApp(options: Pick<TestAppOptions, 'env' | 'database'> = {}): Promise<TestApp> {
  const t = await createTestApp({
    database: options.database,
    // Members' own connections reach the fakes on 127.0.0.1 too (by default only admins' and shared ones may).
    env: { PROVIDER_ALLOWED_HOSTS: '127.0.0.1', PROVIDER_ALLOWED_HOSTS_FOR: 'everyone', ...options.env },
    root: (o) => ({
      module: ChatTestRoot,
      imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule, CostTrackingModule, ChatModule],
    }),
  });
  await t.app.get(DemoSeedService).seedIfEmpty();
  await t.app.get(DemoPricesSeedService).seedIfEmpty();
  return t;
}

/** Creates a user `<who>@<domain>` with a role and answers their access token. */
export async function userToken(t: TestApp, who: string, role: Role, domain: string): Promise<string> {
  const email = `${who}@${domain}`;
  const password = `${who}-password-123`;
  await t.app.get(UsersService).create(SYSTEM_ACTOR, { email, role, password });
  const res = await request(t.app.getHttpServer()).post('/api/v1/auth/login').send({ email, password }).expect(200);
  return res.body.access_token;
}
