export * from './lib/test-app';
export * from './lib/test-database';
export { freePort } from './lib/global-setup';
export * from './lib/tcp-proxy';
