import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ACCESS_METADATA,
  AccessRule,
  API_KEY_SCOPES_METADATA,
  ApiKeyScope,
  DomainError,
  Principal,
} from '@mph/api-core';
import type { Request } from 'express';
import type { AuthState } from './authenticate.guard';

/** The access rule of a handler (method decorator wins over class decorator); the default is "authenticated". */
export function accessRuleOf(reflector: Reflector, context: ExecutionContext): AccessRule | undefined {
  return reflector.getAllAndOverride<AccessRule>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
}

/** Step 3: @Public passes; otherwise 401 without a valid caller, 403 for a role or API-key scope that does not fit. */
@Injectable()
export class AuthorizeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = accessRuleOf(this.reflector, context) ?? { kind: 'authenticated' };
    if (rule.kind === 'public') return true;
    const req = context.switchToHttp().getRequest<Request & AuthState & { user?: Principal }>();
    const user = req.user;
    if (!user) {
      throw new DomainError(
        401,
        'UNAUTHORIZED',
        req.authError ?? 'Sign in (Authorization: Bearer <access token>) or present an API key.',
      );
    }
    if (user.via === 'api-key') {
      const accepted =
        this.reflector.getAllAndOverride<ApiKeyScope[]>(API_KEY_SCOPES_METADATA, [
          context.getHandler(),
          context.getClass(),
        ]) ?? [];
      if (!accepted.some((s) => user.scopes?.includes(s))) {
        throw new DomainError(
          403,
          'API_KEY_SCOPE',
          accepted.length
            ? `This API key lacks the scope this route needs (one of: ${accepted.join(', ')}).`
            : 'API keys cannot call this route; sign in instead.',
        );
      }
    }
    if (rule.kind === 'roles' && !rule.roles.includes(user.role)) {
      throw new DomainError(403, 'FORBIDDEN', `This needs the ${rule.roles.join(' or ')} role.`);
    }
    return true;
  }
}
