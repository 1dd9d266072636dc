export * from './lib/status.routes';
export { StatusPage, formatUptime } from './lib/status-page';
export { JobsPage, runDuration, countsText } from './lib/jobs-page';
