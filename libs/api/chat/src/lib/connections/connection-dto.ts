import type { Principal } from '@mph/api-core';
import type { ConnectionInput, LiveConnection } from './connections.service';

const isAdmin = (p: Principal) => p.role === 'admin';

/** A connection as the API shows it: never its key (only a hint), and shared endpoints only to admins. */
export function connectionDto(c: LiveConnection, by: Principal) {
  const r = c.row;
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    // Shared connections may point at internal hosts: only admins see where.
    base_url: r.owner_id === null && !isAdmin(by) ? null : r.base_url,
    provider: r.provider_slug,
    shared: r.owner_id === null,
    owner: isAdmin(by) ? r.owner_email : r.owner_id === by.userId ? r.owner_email : null,
    has_key: !!r.api_key_sealed,
    key_hint: r.api_key_hint,
    enabled: r.enabled,
    priority: r.priority,
    connect_timeout_ms: r.connect_timeout_ms,
    first_token_timeout_ms: r.first_token_timeout_ms,
    total_timeout_ms: r.total_timeout_ms,
    max_retries: r.max_retries,
    breaker_failures: r.breaker_failures,
    breaker_cooldown_ms: r.breaker_cooldown_ms,
    response_cache_seconds: r.response_cache_seconds,
    models: c.models,
    breaker: { state: c.breaker.state, consecutive_failures: c.breaker.consecutiveFailures },
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  };
}

/** The last four characters, so people can tell keys apart without seeing them. */
export function hint(key: string): string {
  return `…${key.slice(-4)}`;
}

export function redacted(input: ConnectionInput): Record<string, unknown> {
  const { api_key, ...rest } = input;
  return { ...rest, ...(api_key !== undefined ? { api_key: api_key ? 'set' : 'removed' } : {}) };
}
