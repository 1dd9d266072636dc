// Test harness for API libraries (`@mph/api-core/testing`): a fresh PostgreSQL database per test file and the
// real app stack on it. Used only by tests.
export * from './test-app';
export * from './test-database';
export * from './tcp-proxy';
export { freePort } from './global-setup';
export * from './test-redis';
export * from './pg-cluster';
