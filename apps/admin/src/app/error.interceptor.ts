import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';
import { SILENT_ERRORS } from '@mph/admin-ui';
import { catchError, throwError } from 'rxjs';

interface ErrorEnvelope {
  error?: { code?: string; message?: string };
}

/** The message a person should read for a failed API call: the envelope's message, or what to do. */
export function errorMessage(error: HttpErrorResponse): string {
  if (error.status === 0) return 'The API cannot be reached. Check your connection or that the server is running.';
  const body = error.error as ErrorEnvelope | null;
  const message = body?.error?.message;
  if (message) return body?.error?.code ? `${message} (${body.error.code})` : message;
  return `The API answered ${error.status} ${error.statusText || ''}`.trim() + '.';
}

/** Shows every failed API call in a snackbar (the error envelope's message), then lets callers handle it too. */
export const errorInterceptor: HttpInterceptorFn = (req, next) => {
  const snackBar = inject(MatSnackBar);
  return next(req).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && !req.context.get(SILENT_ERRORS)) {
        snackBar.open(errorMessage(error), 'Dismiss', { duration: 8000, politeness: 'assertive' });
      }
      return throwError(() => error);
    }),
  );
};
