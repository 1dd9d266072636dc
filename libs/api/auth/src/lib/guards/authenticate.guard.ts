import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { presentedApiKey } from '../strategies/api-key.strategy';

export interface AuthState {
  /** Credentials were presented but rejected (invalid, expired, revoked): protected routes answer 401 with this. */
  authError?: string;
}

/** The presented credentials were checked and refused. */
class Unauthenticated extends Error {}

/**
 * Step 1 of 3 (authenticate → rate-limit → authorize): turns presented credentials into `req.user` with passport
 * (API-key strategy for `mph_` keys, passport-jwt otherwise). It never rejects by itself, so the rate limiter
 * can count per user and the authorize step can answer 401/403 with the route's rule in hand.
 */
@Injectable()
export class AuthenticateGuard extends AuthGuard(['api-key', 'jwt']) {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & AuthState>();
    if (!req.get('authorization') && !req.get('x-api-key')) return true;
    if (req.get('authorization') && req.get('x-api-key')) {
      // Two credentials would let the request act as whichever one wins; it is refused instead of guessed.
      req.user = undefined;
      req.authError =
        'Send one credential: either Authorization: Bearer <token or key> or X-API-Key, not both in one request.';
      return true;
    }
    try {
      await super.canActivate(context);
    } catch (error) {
      // Only a rejected credential is "unauthenticated"; a strategy that could not check it (the database is down)
      // fails the request as that error (503), or a valid key would be told it is invalid.
      if (!(error instanceof Unauthenticated)) throw error;
      req.user = undefined;
      req.authError = presentedApiKey(req)
        ? 'The API key is invalid, expired or revoked.'
        : 'The access token is invalid or expired. Refresh it or sign in again.';
    }
    return true;
  }

  override handleRequest<T>(err: unknown, user: T | false): T {
    if (err) throw err;
    if (!user) throw new Unauthenticated();
    return user;
  }
}
