export * from './lib/auth.guards';
export * from './lib/auth.interceptor';
export * from './lib/change-password-dialog';
export * from './lib/login-page';
export * from './lib/provide-auth';
export * from './lib/session.store';
