import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ApiKeyScope, Principal, Role } from './principal';

/**
 * Every route states who may call it, with exactly one of @Public(), @Authenticated() or @Roles(...); a test walks
 * the route table and fails on a route without a decision. The auth lib's global guards enforce these.
 */
export const ACCESS_METADATA = 'mph:access';
export const API_KEY_SCOPES_METADATA = 'mph:api-key-scopes';
export const LOGIN_THROTTLE_METADATA = 'mph:login-throttle';

export type AccessRule = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'roles'; roles: Role[] };

/** No login needed (public catalog and price reads, health, login itself). Rate-limited per IP. */
export const Public = () =>
  applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule),
    ApiTooManyRequestsResponse({ description: 'Rate limited.' }),
  );

/** Any signed-in user (or API key with a scope this route accepts). */
export const Authenticated = () =>
  applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'authenticated' } satisfies AccessRule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Not signed in.' }),
  );

/** Only these roles; others get 403, anonymous callers 401. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies AccessRule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Not signed in.' }),
    ApiForbiddenResponse({ description: `Needs role ${roles.join(' or ')}.` }),
  );

/** Lets API keys with one of these scopes call the route (keys reach nothing else but public routes). */
export const AcceptApiKeyScopes = (...scopes: ApiKeyScope[]) =>
  applyDecorators(SetMetadata(API_KEY_SCOPES_METADATA, scopes), ApiSecurity('api-key'));

/** Marks the login route for the strict per-IP brute-force limit. */
export const LoginThrottle = () => SetMetadata(LOGIN_THROTTLE_METADATA, true);

/** The authenticated caller; undefined on public routes called anonymously. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest<{ user?: Principal }>().user;
});

export const RATE_WEIGHT = 'mph:rate-weight';

/**
 * How many requests of the caller's per-minute budget one call costs, from its (not yet validated) body: a batch of
 * estimates counts one request per 10 items, so batching saves round trips without multiplying what a limit allows.
 */
export const RateWeight = (weigh: (body: unknown) => number) => SetMetadata(RATE_WEIGHT, weigh);
