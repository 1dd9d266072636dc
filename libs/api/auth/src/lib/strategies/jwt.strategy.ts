import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { APP_CONFIG, AppConfig, Principal } from '@mph/api-core';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccessClaims, SessionsService } from '../services/sessions.service';

/** Access tokens: HS256 only (no `alg: none`, no key confusion), not expired, and their session still alive. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.jwtSecret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessClaims): Promise<Principal | false> {
    if (typeof claims?.sub !== 'string' || typeof claims.sid !== 'string') return false;
    return (await this.sessions.principalFor(claims)) ?? false;
  }
}
