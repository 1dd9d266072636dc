import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { AppConfig } from '../config/app-config';

export type FeedFetchErrorKind = 'blocked' | 'timeout' | 'http' | 'too-large' | 'truncated' | 'network';

/** Why a feed could not be fetched, in words an operator can act on. */
export class FeedFetchError extends Error {
  constructor(
    message: string,
    readonly kind: FeedFetchErrorKind,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FeedFetchError';
  }
}

export interface FeedFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  retries: number;
  /** Hosts that may resolve to private addresses (a mirror on the LAN, a test server on 127.0.0.1). */
  allowedHosts: string[];
  headers?: Record<string, string>;
  maxRedirects?: number;
  /** First retry waits about this long (doubling, with jitter). */
  retryBaseMs?: number;
  onProgress?: (received: number, total: number | null) => void;
}

/** The fetch settings of the sync configuration (`SYNC_TIMEOUT_MS`, `SYNC_MAX_BYTES`, `SYNC_RETRIES`, `SYNC_ALLOWED_HOSTS`). */
export function syncFetchOptions(sync: AppConfig['sync']): FeedFetchOptions {
  return { timeoutMs: sync.timeoutMs, maxBytes: sync.maxBytes, retries: sync.retries, allowedHosts: sync.allowedHosts };
}

export interface FeedResponse {
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  contentType: string | null;
  /** Response headers (lower-case names), e.g. `link` for paged APIs. */
  headers: Record<string, string | string[] | undefined>;
  attempts: number;
}

/** Addresses a feed must never reach unless its host is allow-listed: loopback, private, link-local, reserved. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** IPv4 embedded in IPv6 forms that route to it: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  const pair = hex ?? sixToFour;
  if (!pair) return null;
  const hi = parseInt(pair[1], 16);
  const lo = parseInt(pair[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    return (v4 !== null && PRIVATE.check(v4, 'ipv4')) || PRIVATE.check(address, 'ipv6');
  }
  return true;
}

/**
 * Whether `hostname` (and `port`) is allow-listed: an entry `host` allows every port of that host, `host:port` (or
 * `[v6]:port`) only that port, so allowing a local model server does not open every service on the machine.
 */
export function hostAllowed(hostname: string, allowed: string[], port?: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return allowed.some((entry) => {
    const e = entry.toLowerCase();
    const withPort = /^\[(.+)\]:(\d+)$/.exec(e) ?? (/^([^:]+):(\d+)$/.exec(e) as RegExpExecArray | null);
    if (!withPort) return e.replace(/^\[|\]$/g, '') === host;
    return withPort[1] === host && port !== undefined && withPort[2] === port;
  });
}

/** The port a URL connects to (its own, or the scheme's default). */
export function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/**
 * Checks a URL before any connection: http(s) only, and (unless allow-listed) no literal private address. DNS
 * names are checked when they resolve, at connect time, so a name that resolves to 127.0.0.1 is refused too.
 */
export function checkFeedUrl(raw: string, allowedHosts: string[], setting = 'SYNC_ALLOWED_HOSTS'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FeedFetchError(`"${raw.slice(0, 200)}" is not a URL.`, 'blocked');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FeedFetchError(`Only http and https URLs can be fetched, not ${url.protocol}`, 'blocked');
  }
  if (url.username || url.password) {
    throw new FeedFetchError('Put credentials in the source’s auth header, not in the URL.', 'blocked');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostAllowed(host, allowedHosts, portOf(url)) && isIP(host) && isPrivateAddress(host)) {
    throw new FeedFetchError(
      `${url.host} is a private, loopback or link-local address; allow it with ${setting} if it is trusted.`,
      'blocked',
    );
  }
  return url;
}

/**
 * A `lookup` for http(s).request that refuses names resolving to private, loopback or link-local addresses (unless the
 * host is allow-listed): the check happens at connect time, so DNS rebinding and redirects cannot slip past it.
 */
export function guardedLookup(allowed: boolean, setting = 'SYNC_ALLOWED_HOSTS') {
  return (
    hostname: string,
    options: object,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (!allowed && bad) {
        const e = new Error(
          `${hostname} resolves to ${bad.address}, a private or loopback address; allow it with ${setting} if it is trusted.`,
        ) as NodeJS.ErrnoException;
        e.code = 'EBLOCKED';
        return callback(e, '', 0);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

function once(
  url: URL,
  opts: FeedFetchOptions,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const allowed = hostAllowed(url.hostname, opts.allowedHosts, portOf(url));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: FeedFetchError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const req = client.request(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json, */*', 'accept-encoding': 'gzip', ...(opts.headers ?? {}) },
        lookup: guardedLookup(allowed) as never,
      },
      (res) => {
        const length = Number(res.headers['content-length'] ?? NaN);
        if (Number.isFinite(length) && length > opts.maxBytes) {
          return fail(
            new FeedFetchError(
              `${url.host} sent ${length} bytes; the limit is ${opts.maxBytes} (SYNC_MAX_BYTES).`,
              'too-large',
            ),
          );
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > opts.maxBytes) {
            return fail(
              new FeedFetchError(`${url.host} sent more than ${opts.maxBytes} bytes (SYNC_MAX_BYTES).`, 'too-large'),
            );
          }
          chunks.push(chunk);
          opts.onProgress?.(received, Number.isFinite(length) ? length : null);
        });
        res.on('aborted', () =>
          fail(new FeedFetchError(`${url.host} closed the connection mid-body (truncated).`, 'truncated')),
        );
        res.on('error', (e) => fail(new FeedFetchError(`${url.host}: ${e.message} (truncated body)`, 'truncated')));
        res.on('end', () => {
          if (settled) return;
          if (Number.isFinite(length) && received < length && res.headers['content-encoding'] !== 'gzip') {
            return fail(
              new FeedFetchError(`${url.host} sent ${received} of ${length} bytes (truncated).`, 'truncated'),
            );
          }
          let body = Buffer.concat(chunks);
          if (res.headers['content-encoding'] === 'gzip') {
            try {
              body = gunzipSync(body, { maxOutputLength: opts.maxBytes });
            } catch (e) {
              return fail(
                new FeedFetchError(
                  `${url.host}: gzip body is damaged or too large (${(e as Error).message}).`,
                  'truncated',
                ),
              );
            }
          }
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    const timer = setTimeout(
      () =>
        fail(
          new FeedFetchError(`${url.host} did not answer within ${opts.timeoutMs} ms (SYNC_TIMEOUT_MS).`, 'timeout'),
        ),
      opts.timeoutMs,
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      fail(
        e.code === 'EBLOCKED'
          ? new FeedFetchError(e.message, 'blocked')
          : new FeedFetchError(
              `${url.host}: ${e.message}${/ENOTFOUND|EAI_AGAIN|ENETUNREACH|ECONNREFUSED/.test(e.code ?? '') ? ' (no network or the host is down; prices stay as they are)' : ''}`,
              'network',
            ),
      ),
    );
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * GETs a feed safely: http(s) only, private addresses refused (checked on every redirect hop and at connect time,
 * so DNS tricks do not help), per-attempt timeout, a size cap, gzip, and retries with exponential backoff and
 * jitter on network errors, timeouts, 408/425/429/5xx (429 honours Retry-After up to a minute).
 */
export async function fetchFeed(raw: string, opts: FeedFetchOptions): Promise<FeedResponse> {
  const maxRedirects = opts.maxRedirects ?? 5;
  let attempts = 0;
  for (;;) {
    attempts++;
    let url = checkFeedUrl(raw, opts.allowedHosts);
    try {
      for (let hop = 0; ; hop++) {
        const res = await once(url, opts);
        if (res.status >= 300 && res.status < 400 && res.headers.location) {
          if (hop >= maxRedirects)
            throw new FeedFetchError(`More than ${maxRedirects} redirects from ${raw}.`, 'http', res.status);
          url = checkFeedUrl(new URL(res.headers.location, url).toString(), opts.allowedHosts);
          continue;
        }
        if (res.status < 200 || res.status >= 300) {
          const e = new FeedFetchError(`${url.host} answered HTTP ${res.status}.`, 'http', res.status);
          if (RETRYABLE_STATUS.has(res.status) && attempts <= opts.retries) {
            const retryAfter = Number(res.headers['retry-after']);
            await sleep(Number.isFinite(retryAfter) ? Math.min(retryAfter * 1000, 60_000) : backoff(attempts, opts));
            break;
          }
          throw e;
        }
        return {
          body: res.body,
          url: url.toString(),
          status: res.status,
          contentType: res.headers['content-type'] ?? null,
          headers: res.headers,
          attempts,
        };
      }
    } catch (e) {
      const err = e as FeedFetchError;
      const retryable = err.kind === 'network' || err.kind === 'timeout' || err.kind === 'truncated';
      if (!retryable || attempts > opts.retries) throw err;
      await sleep(backoff(attempts, opts));
    }
  }
}

function backoff(attempt: number, opts: FeedFetchOptions): number {
  const base = (opts.retryBaseMs ?? 500) * 2 ** (attempt - 1);
  return base / 2 + Math.random() * base;
}

/**
 * POSTs a JSON body to an outgoing webhook with the same guards as feeds (http(s) only, private addresses refused at
 * connect time unless allow-listed, timeout); redirects are not followed. Resolves with the status code.
 */
export function postJson(
  raw: string,
  body: string,
  opts: { timeoutMs: number; allowedHosts: string[]; headers?: Record<string, string> },
): Promise<number> {
  const url = checkFeedUrl(raw, opts.allowedHosts);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(opts.headers ?? {}),
        },
        lookup: guardedLookup(hostAllowed(url.hostname, opts.allowedHosts, portOf(url))) as never,
        timeout: opts.timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () =>
      req.destroy(new FeedFetchError(`${url.host} did not answer within ${opts.timeoutMs} ms.`, 'timeout')),
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EBLOCKED'
          ? new FeedFetchError(e.message, 'blocked')
          : e instanceof FeedFetchError
            ? e
            : new FeedFetchError(`${url.host}: ${e.message}`, 'network'),
      ),
    );
    req.end(body);
  });
}
