export * from './lib/audit.module';
export * from './lib/auth.module';
export { AUTH_ENTITIES } from './lib/entities';
export { AuditService, actorOf, SYSTEM_ACTOR } from './lib/services/audit.service';
export type { AuditActor, AuditInput } from './lib/services/audit.service';
export { UsersService } from './lib/services/users.service';
export { ApiKeysService } from './lib/services/api-keys.service';
export { accessRuleOf } from './lib/guards/authorize.guard';
