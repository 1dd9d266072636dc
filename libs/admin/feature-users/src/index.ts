export { ApiKeysPage } from './lib/api-keys-page';
export { AuditPage } from './lib/audit-page';
export { UsersPage } from './lib/users-page';
