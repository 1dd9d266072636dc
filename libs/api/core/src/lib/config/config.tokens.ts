/** Injection token for the validated {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
/** The product version (package.json), shown by /status. */
export const APP_VERSION = Symbol('APP_VERSION');
/** Whether the database is the embedded server this process started. */
export const DATABASE_EMBEDDED = Symbol('DATABASE_EMBEDDED');
/** 'server' for the HTTP app (schedules jobs, creates the first admin), 'cli' for the command line. */
export const APP_MODE = Symbol('APP_MODE');
export type AppMode = 'server' | 'cli';
