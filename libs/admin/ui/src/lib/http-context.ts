import { HttpContext, HttpContextToken } from '@angular/common/http';

/** Marks a request whose errors the page shows itself (e.g. a login form): no snackbar for them. */
export const SILENT_ERRORS = new HttpContextToken<boolean>(() => false);

/** Marks a request the auth interceptor must not decorate or retry (sign-in, refresh). */
export const SKIP_AUTH = new HttpContextToken<boolean>(() => false);

export const silentErrors = (context = new HttpContext()) => context.set(SILENT_ERRORS, true);
