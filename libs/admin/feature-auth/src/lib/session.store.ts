import { HttpContext } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { AuthService, TokenPairDto, UserDto } from '@mph/admin-api-client';
import { SILENT_ERRORS, SKIP_AUTH } from '@mph/admin-ui';
import { catchError, finalize, map, Observable, of, shareReplay, switchMap, tap } from 'rxjs';

type Role = UserDto['role'];

/**
 * The console's sign-in state. The access token lives only in memory; the refresh token only in the API's
 * httpOnly cookie (the console ignores the copy in the response body), so page scripts can never read it.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly api = inject(AuthService);
  private readonly token = signal<string | null>(null);
  private refreshing?: Observable<boolean>;

  readonly user = signal<UserDto | null>(null);
  readonly signedIn = computed(() => this.user() !== null);
  readonly role = computed<Role | null>(() => this.user()?.role ?? null);

  accessToken(): string | null {
    return this.token();
  }

  hasRole(...roles: Role[]): boolean {
    const role = this.role();
    return role !== null && roles.includes(role);
  }

  login(email: string, password: string): Observable<UserDto> {
    return this.api
      .login({ body: { email, password } }, new HttpContext().set(SKIP_AUTH, true).set(SILENT_ERRORS, true))
      .pipe(switchMap((pair) => this.adopt(pair)));
  }

  /** Trades the refresh cookie for a new access token (one request at a time); false when there is no session. */
  refresh(): Observable<boolean> {
    this.refreshing ??= this.api
      .refreshTokens({ body: {} }, new HttpContext().set(SKIP_AUTH, true).set(SILENT_ERRORS, true))
      .pipe(
        switchMap((pair) => this.adopt(pair)),
        map(() => true),
        catchError(() => {
          this.clear();
          return of(false);
        }),
        finalize(() => (this.refreshing = undefined)),
        shareReplay(1),
      );
    return this.refreshing;
  }

  logout(): Observable<void> {
    return this.api.logout({ body: {} }, new HttpContext().set(SILENT_ERRORS, true)).pipe(
      catchError(() => of(undefined)),
      map(() => undefined),
      finalize(() => this.clear()),
    );
  }

  clear(): void {
    this.token.set(null);
    this.user.set(null);
  }

  private adopt(pair: TokenPairDto): Observable<UserDto> {
    this.token.set(pair.access_token);
    return this.api.getMe().pipe(tap((user) => this.user.set(user)));
  }
}
