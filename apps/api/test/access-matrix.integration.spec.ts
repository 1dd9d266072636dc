import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ACCESS_METADATA, AccessRule, ROLES, Role } from '@mph/api-core';
import { createTestApp, TEST_ENV, TestApp } from '@mph/api-core/testing';
import { SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import http, { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AppModule } from '../src/app/app.module';

interface Route {
  method: string;
  path: string;
  handler: string;
  rule?: AccessRule;
}

/** Every route of the running app, read from Nest's own metadata (not a hand-written list). */
function routeTable(t: TestApp): Route[] {
  const discovery = t.app.get(DiscoveryService);
  const scanner = t.app.get(MetadataScanner);
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!type) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '').replace(/^\/|\/$/g, '');
    const proto = type.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const fn = proto[name] as object;
      const verb = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
      if (verb === undefined) continue;
      const sub = String(Reflect.getMetadata(PATH_METADATA, fn) ?? '').replace(/^\/|\/$/g, '');
      // /metrics, the OpenAI-compatible /v1 and the MCP server live outside the API prefix.
      const prefix = base === 'metrics' || base === 'v1' || base === 'mcp' ? '' : '/api/v1';
      const path = `${prefix}/${[base, sub].filter(Boolean).join('/')}`;
      const rule = (Reflect.getMetadata(ACCESS_METADATA, fn) ?? Reflect.getMetadata(ACCESS_METADATA, type)) as
        AccessRule | undefined;
      routes.push({ method: RequestMethod[verb], path, handler: `${type.name}.${name}`, rule });
    }
  }
  return routes;
}

const concrete = (path: string) => path.replace(/:[A-Za-z_]+/g, '00000000-0000-4000-8000-000000000000');

describe('route × role access matrix', () => {
  let t: TestApp;
  let routes: Route[];
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await createTestApp({ root: (o) => AppModule.forRoot(o) });
    routes = routeTable(t);
    const login = async (email: string, password: string) =>
      (await request(t.app.getHttpServer()).post('/api/v1/auth/login').send({ email, password }).expect(200)).body
        .access_token as string;
    tokens.admin = await login(TEST_ENV['ADMIN_EMAIL'] as string, TEST_ENV['ADMIN_PASSWORD'] as string);
    for (const role of ['operator', 'member'] as const) {
      await t.app
        .get(UsersService)
        .create(SYSTEM_ACTOR, { email: `${role}@matrix.test`, role, password: `${role}-password-123` });
      tokens[role] = await login(`${role}@matrix.test`, `${role}-password-123`);
    }
  });
  afterAll(() => t.close());

  const call = async (
    route: Route,
    token?: string,
  ): Promise<{ status: number; body: { error?: { code?: string } } | undefined }> => {
    // A stream that never ends (the live events): its status is read from the headers, then it is closed.
    if (route.path === '/api/v1/events') return { status: await streamStatus(route.path, token), body: {} };
    const r = request(t.app.getHttpServer())[route.method.toLowerCase() as 'get'](concrete(route.path));
    if (token) r.set('Authorization', `Bearer ${token}`);
    return ['POST', 'PUT', 'PATCH'].includes(route.method) ? r.send({}) : r;
  };

  const streamStatus = async (path: string, token?: string): Promise<number> => {
    const server = t.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return new Promise<number>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, path, headers: token ? { authorization: `Bearer ${token}` } : {} },
        (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    });
  };

  it('finds the routes the app serves', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /api/v1/status',
        'POST /api/v1/auth/login',
        'GET /api/v1/users',
        'DELETE /api/v1/api-keys/:id',
        'GET /metrics',
      ]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  it('gives every route an explicit decision: @Public(), @Authenticated() or @Roles(...)', () => {
    const undecided = routes.filter((r) => !r.rule).map((r) => `${r.method} ${r.path} (${r.handler})`);
    expect(undecided).toEqual([]);
  });

  it('rejects anonymous calls to every non-public route with 401 in the envelope', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.rule?.kind !== 'public')) {
      const res = await call(route);
      // /v1 answers in OpenAI's error shape, the rest in our envelope.
      const code = route.path.startsWith('/v1/') ? 'invalid_api_key' : 'UNAUTHORIZED';
      if (res.status !== 401 || res.body?.error?.code !== code)
        wrong.push(`${route.method} ${route.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lets anonymous callers reach public routes', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.rule?.kind === 'public')) {
      const res = await call(route);
      // Public routes that take their credential in the request itself (a refresh token, a stream ticket) answer
      // 401 without one; every other public route must let anonymous callers in.
      const ownCredential = [
        '/api/v1/auth/refresh',
        '/api/v1/sync/runs/:id/events',
        '/api/v1/chat/messages/:id/stream',
      ].includes(route.path);
      if ([401, 403].includes(res.status) && !(ownCredential && res.status === 401))
        wrong.push(`${route.method} ${route.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('rejects roles below a route’s roles with 403, and lets the named roles through', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.rule?.kind === 'roles' || r.rule?.kind === 'authenticated')) {
      const allowed = route.rule?.kind === 'roles' ? route.rule.roles : ROLES;
      for (const role of ROLES) {
        const res = await call(route, tokens[role]);
        const denied = res.status === 403 && res.body?.error?.code === 'FORBIDDEN';
        if (allowed.includes(role) ? [401, 403].includes(res.status) : !denied) {
          wrong.push(`${route.method} ${route.path} as ${role} → ${res.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
