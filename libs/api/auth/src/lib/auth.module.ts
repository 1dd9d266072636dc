import { CALLER_WINDOW_MS, CallerRateLimit } from './services/caller-rate-limit.service';
import { MemoryThrottlerStorage } from './services/memory-throttler.storage';
import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, APP_MODE, AppConfig, AppMode, LOGIN_THROTTLE_METADATA } from '@mph/api-core';
import { AuditModule } from './audit.module';
import { ApiKeysController } from './controllers/api-keys.controller';
import { AuditController } from './controllers/audit.controller';
import { AuthController } from './controllers/auth.controller';
import { UsersController } from './controllers/users.controller';
import { AUTH_ENTITIES } from './entities';
import { AuthenticateGuard } from './guards/authenticate.guard';
import { AuthorizeGuard } from './guards/authorize.guard';
import { RateLimitGuard } from './guards/rate-limit.guard';
import { ApiKeysService } from './services/api-keys.service';
import { PasswordsService } from './services/passwords.service';
import { SessionsService } from './services/sessions.service';
import { UsersService } from './services/users.service';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';

const MINUTE_MS = CALLER_WINDOW_MS;

/**
 * Users, sessions, API keys, rate limits and the audit log. Its global guards run in this order for every
 * route: authenticate (sets req.user) → rate-limit (per key/user/IP) → authorize (@Public/@Authenticated/@Roles).
 */
@Module({
  imports: [
    AuditModule,
    TypeOrmModule.forFeature(AUTH_ENTITIES),
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.auth.jwtSecret, signOptions: { algorithm: 'HS256' } }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, Reflector],
      useFactory: (config: AppConfig, reflector: Reflector) => ({
        throttlers: [
          {
            name: 'default',
            ttl: MINUTE_MS,
            limit: (ctx) =>
              ctx.switchToHttp().getRequest().user
                ? config.rateLimit.authenticatedPerMinute
                : config.rateLimit.publicPerMinute,
          },
          {
            name: 'login',
            ttl: MINUTE_MS,
            limit: config.rateLimit.loginPerMinute,
            skipIf: (ctx) => !reflector.get<boolean>(LOGIN_THROTTLE_METADATA, ctx.getHandler()),
          },
        ],
        // Shared by every instance when Redis is configured; per process otherwise (O(1) per hit).
        storage: config.redis.url ? new ThrottlerStorageRedisService(config.redis.url) : new MemoryThrottlerStorage(),
      }),
    }),
  ],
  controllers: [AuthController, UsersController, ApiKeysController, AuditController],
  providers: [
    PasswordsService,
    SessionsService,
    UsersService,
    ApiKeysService,
    CallerRateLimit,
    JwtStrategy,
    ApiKeyStrategy,
    { provide: APP_GUARD, useClass: AuthenticateGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AuthorizeGuard },
  ],
  exports: [AuditModule, UsersService, ApiKeysService, CallerRateLimit],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    @Inject(APP_MODE) private readonly mode: AppMode,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.mode === 'server') await this.users.bootstrapFirstAdmin();
  }
}
