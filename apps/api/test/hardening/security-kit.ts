import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ACCESS_METADATA, AccessRule, API_KEY_SCOPES_METADATA, ApiKeyScope } from '@mph/api-core';
import type { TestApp } from '@mph/api-core/testing';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/** Helpers for security-matrix.integration.spec.ts: the route table, an HTTP client that keeps every answer, traps. */

export interface Route {
  method: string;
  path: string;
  handler: string;
  rule?: AccessRule;
  /** The API-key scopes the route accepts (none: API keys cannot call it). */
  scopes: ApiKeyScope[];
  /** false for @ApiExcludeController / @ApiExcludeEndpoint handlers (not in the OpenAPI document). */
  documented: boolean;
}

/** @nestjs/swagger's metadata keys (DECORATORS.API_EXCLUDE_CONTROLLER / API_EXCLUDE_ENDPOINT). */
const EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';
const EXCLUDE_ENDPOINT = 'swagger/apiExcludeEndpoint';

/**
 * Every route of the running app, read from Nest's own metadata (not a hand-written list): the approach of
 * apps/api/test/access-matrix.integration.spec.ts, plus whether Swagger documents the route.
 */
export function routeTable(t: TestApp): Route[] {
  const discovery = t.app.get(DiscoveryService);
  const scanner = t.app.get(MetadataScanner);
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!type) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '').replace(/^\/|\/$/g, '');
    const proto = type.prototype as Record<string, unknown>;
    const controllerExcluded = !!(Reflect.getMetadata(EXCLUDE_CONTROLLER, type) as unknown[] | undefined)?.[0];
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
      const endpointExcluded = !!(Reflect.getMetadata(EXCLUDE_ENDPOINT, fn) as { disable?: boolean } | undefined)
        ?.disable;
      const scopes = (Reflect.getMetadata(API_KEY_SCOPES_METADATA, fn) ??
        Reflect.getMetadata(API_KEY_SCOPES_METADATA, type) ??
        []) as ApiKeyScope[];
      routes.push({
        method: RequestMethod[verb],
        path,
        handler: `${type.name}.${name}`,
        rule,
        scopes,
        documented: !controllerExcluded && !endpointExcluded,
      });
    }
  }
  return routes;
}

/** `/api/v1/x/:id` → `/api/v1/x/{id}` (OpenAPI's spelling). */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface SendOptions {
  /** Sent as `Authorization: Bearer <token>` (an access token or an mph_ API key). */
  token?: string;
  /** JSON-encoded unless it is a string or Buffer. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A plain node:http client (any method, any header) that keeps every answer for the over-exposure sweep. */
export class Client {
  readonly log: { label: string; status: number; text: string; headers: string }[] = [];
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(readonly base: string) {}

  send(method: string, path: string, options: SendOptions = {}): Promise<Reply> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload = Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          if (/json/.test(String(res.headers['content-type'] ?? ''))) {
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
          }
          this.log.push({
            label: `${method} ${path}`,
            status: res.statusCode ?? 0,
            text,
            headers: JSON.stringify(res.headers),
          });
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  get = (path: string, o?: SendOptions) => this.send('GET', path, o);
  post = (path: string, body: unknown, o: SendOptions = {}) => this.send('POST', path, { ...o, body });
  patch = (path: string, body: unknown, o: SendOptions = {}) => this.send('PATCH', path, { ...o, body });
  delete = (path: string, o?: SendOptions) => this.send('DELETE', path, o);

  close(): void {
    this.agent.destroy();
  }
}

/** An HTTP server that records every connection and request; `handler` answers (default: 200 `{}`). */
export class Trap {
  readonly hits: string[] = [];
  connections = 0;
  port = 0;
  private readonly servers: Server[] = [];

  constructor(private readonly handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end('{}')) {}

  /** Listens on `host` (random port), and on `alsoOn` with the same port when that address exists. */
  async start(host: string, alsoOn: string[] = []): Promise<this> {
    const make = () => {
      const s = http.createServer((req, res) => {
        this.hits.push(`${req.method} ${req.url}`);
        this.handler(req, res);
      });
      s.on('connection', () => this.connections++);
      return s;
    };
    const first = make();
    await new Promise<void>((resolve, reject) => first.once('error', reject).listen(0, host, () => resolve()));
    this.port = (first.address() as AddressInfo).port;
    this.servers.push(first);
    for (const other of alsoOn) {
      const s = make();
      const ok = await new Promise<boolean>((resolve) =>
        s.once('error', () => resolve(false)).listen(this.port, other, () => resolve(true)),
      );
      if (ok) this.servers.push(s);
    }
    return this;
  }

  get addresses(): number {
    return this.servers.length;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  }
}

const b64url = (v: object | string) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A JWT with any header (alg HS256/HS384/HS512 signed with `secret`; alg none unsigned). */
export function forgeJwt(header: { alg: string; typ?: string }, payload: object, secret = ''): string {
  const head = `${b64url(header)}.${b64url(payload)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[header.alg];
  return hash ? `${head}.${createHmac(hash, secret).update(head).digest('base64url')}` : `${head}.`;
}

/** The claims of a JWT (not verified). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** Names /etc/hosts maps to a loopback address besides "localhost" (e.g. the machine's own name), if any. */
export function loopbackAliases(): string[] {
  let text = '';
  try {
    text = readFileSync('/etc/hosts', 'utf8');
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const [address, ...rest] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || !/^127\.|^::1$/.test(address)) continue;
    for (const n of rest) if (/^[a-z][a-z0-9-]*$/i.test(n) && !/^localhost$/i.test(n)) names.add(n.toLowerCase());
  }
  return [...names];
}

/** What is wrong with an error answer (envelope or OpenAI shape), or null: `{error: {code, message}}`, no internals. */
export function envelopeProblem(r: Reply): string | null {
  const code = r.body?.error?.code;
  if (!/application\/json/.test(String(r.headers['content-type'] ?? '')))
    return `content-type ${r.headers['content-type']}`;
  if (typeof code !== 'string' || typeof r.body?.error?.message !== 'string')
    return `no envelope: ${r.text.slice(0, 200)}`;
  return leaksInternals(r.text);
}

/** The repository's absolute path: source paths in an answer would start with it. */
const REPO_ROOT = resolve(__dirname, '../../../..');

/** Stack frames, source paths, driver errors or SQL in an answer. */
export function leaksInternals(text: string): string | null {
  const m =
    /\n\s+at .+:\d+:\d+|\bat [\w.<>]+ \(|node_modules|\.ts:\d+|QueryFailedError|duplicate key value|violates .* constraint|syntax error at or near|\bSELECT .+ FROM\b|\bINSERT INTO\b/i.exec(
      text,
    );
  if (m) return `leaks internals (${m[0]}): ${text.slice(0, 200)}`;
  return text.includes(REPO_ROOT) ? `leaks a source path (${REPO_ROOT}): ${text.slice(0, 200)}` : null;
}
