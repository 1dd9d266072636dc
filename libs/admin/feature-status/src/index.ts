export * from './lib/status.routes';
export { StatusPage, formatUptime } from './lib/status-page';
