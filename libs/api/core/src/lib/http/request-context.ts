import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  ip?: string;
  userAgent?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with the request's context (set by configureApp for every HTTP request). */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current request's id and client IP, e.g. for audit events; undefined outside a request (CLI, jobs). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
