import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { AuthSessionEntity } from './auth-session.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { UserEntity } from './user.entity';

export { ApiKeyEntity, AuditEventEntity, AuthSessionEntity, RefreshTokenEntity, UserEntity };

/** The tables this lib owns (for TypeOrmModule.forFeature and ormconfig.ts). */
export const AUTH_ENTITIES = [UserEntity, AuthSessionEntity, RefreshTokenEntity, ApiKeyEntity, AuditEventEntity];
