import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { UserDto } from '@mph/admin-api-client';
import { SessionStore } from './session.store';

/** Signed-in users only; others go to the sign-in page and come back after. */
export const authGuard: CanActivateFn = (_route, state) => {
  if (inject(SessionStore).signedIn()) return true;
  return inject(Router).createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/** Only these roles; a signed-in user without one is told so and stays out. */
export function roleGuard(...roles: UserDto['role'][]): CanActivateFn {
  return (route, state) => {
    const session = inject(SessionStore);
    if (!session.signedIn()) return authGuard(route, state);
    if (session.hasRole(...roles)) return true;
    inject(MatSnackBar).open(`That page needs the ${roles.join(' or ')} role.`, 'Dismiss', { duration: 6000 });
    return inject(Router).createUrlTree(['/']);
  };
}
