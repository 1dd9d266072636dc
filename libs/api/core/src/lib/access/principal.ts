export const ROLES = ['admin', 'operator', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** What an API key may be used for; a key reaches only routes that accept one of its scopes. */
export const API_KEY_SCOPES = ['catalog:read', 'usage:read', 'usage:write', 'budgets:write', 'gateway'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The authenticated caller of a request (`req.user`), from a session (JWT) or an API key. */
export interface Principal {
  userId: string;
  email: string;
  role: Role;
  via: 'session' | 'api-key';
  /** The session (refresh-token family) of a JWT; logout revokes it. */
  sessionId?: string;
  apiKeyId?: string;
  scopes?: ApiKeyScope[];
}

/** Roles that see every user's rows (e.g. all usage, all API keys); members see only their own. */
export function seesAll(principal: Principal): boolean {
  return principal.role === 'admin';
}
