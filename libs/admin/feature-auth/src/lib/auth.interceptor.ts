import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { SKIP_AUTH } from '@mph/admin-ui';
import { catchError, switchMap, throwError } from 'rxjs';
import { SessionStore } from './session.store';

const withToken = (req: HttpRequest<unknown>, token: string | null) =>
  token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;

/**
 * Adds the access token to API calls; on a 401 it refreshes once (through the httpOnly cookie) and retries.
 * When the session cannot be refreshed it sends the user to the sign-in page, back to where they were after.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  if (req.context.get(SKIP_AUTH) || !req.url.startsWith('/api/')) return next(req);
  const session = inject(SessionStore);
  const router = inject(Router);
  const hadToken = session.accessToken() !== null;
  return next(withToken(req, session.accessToken())).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== 401 || !hadToken) return throwError(() => error);
      return session.refresh().pipe(
        switchMap((ok) => {
          if (ok) return next(withToken(req, session.accessToken()));
          void router.navigate(['/login'], { queryParams: { returnUrl: router.url } });
          return throwError(() => error);
        }),
      );
    }),
  );
};
