import { createHash } from 'node:crypto';
import type { Route } from '../connections/connections.service';

const MAX_ENTRIES = 5000;

/**
 * Answers of repeatable calls (temperature 0, not streamed) on connections that enable it, for their TTL, keyed by
 * connection and the whole body sent upstream (model, messages, parameters); oldest out first past 5,000 entries.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { body: Record<string, unknown>; expires: number }>();

  /** The key of a call, or null when the connection does not cache or the call is not repeatable. */
  static key(route: Route, body: Record<string, unknown>): string | null {
    if (route.connection.row.response_cache_seconds <= 0 || body['stream'] === true || body['temperature'] !== 0) {
      return null;
    }
    return createHash('sha256')
      .update(`${route.connection.row.id}\u0000${JSON.stringify(body)}`)
      .digest('base64url');
  }

  get(key: string): Record<string, unknown> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.body;
  }

  set(key: string, body: Record<string, unknown>, seconds: number): void {
    this.entries.delete(key);
    this.entries.set(key, { body, expires: Date.now() + seconds * 1000 });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}
