import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { UserDto } from '@mph/admin-api-client';
import { SILENT_ERRORS, SKIP_AUTH } from '@mph/admin-ui';
import { SessionStore } from './session.store';

export const ADA: UserDto = {
  id: 'u1',
  email: 'ada@example.com',
  display_name: 'Ada',
  role: 'operator',
  disabled: false,
  created_at: '2026-01-01T00:00:00Z',
  last_login_at: null,
};
export const PAIR = { access_token: 'access-1', refresh_token: 'ignored', token_type: 'Bearer', expires_in: 900 };

describe('SessionStore', () => {
  let http: HttpTestingController;
  let store: SessionStore;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(SessionStore);
  });
  afterEach(() => http.verify());

  it('signs in, keeps the access token in memory and loads the user', () => {
    let user: UserDto | undefined;
    store.login('ada@example.com', 'pw').subscribe((u) => (user = u));
    const req = http.expectOne('/api/v1/auth/login');
    expect(req.request.body).toEqual({ email: 'ada@example.com', password: 'pw' });
    expect(req.request.context.get(SKIP_AUTH)).toBe(true);
    expect(req.request.context.get(SILENT_ERRORS)).toBe(true);
    req.flush(PAIR);
    http.expectOne('/api/v1/auth/me').flush(ADA);
    expect(user).toEqual(ADA);
    expect(store.accessToken()).toBe('access-1');
    expect(store.signedIn()).toBe(true);
    expect(store.hasRole('operator', 'admin')).toBe(true);
    expect(store.hasRole('admin')).toBe(false);
  });

  it('shares one refresh between concurrent callers', () => {
    const results: boolean[] = [];
    store.refresh().subscribe((ok) => results.push(ok));
    store.refresh().subscribe((ok) => results.push(ok));
    const req = http.expectOne('/api/v1/auth/refresh');
    expect(req.request.body).toEqual({});
    req.flush({ ...PAIR, access_token: 'access-2' });
    http.expectOne('/api/v1/auth/me').flush(ADA);
    expect(results).toEqual([true, true]);
    expect(store.accessToken()).toBe('access-2');
  });

  it('forgets the session when the refresh is refused', () => {
    store.user.set(ADA);
    let ok: boolean | undefined;
    store.refresh().subscribe((r) => (ok = r));
    http
      .expectOne('/api/v1/auth/refresh')
      .flush({ error: { code: 'INVALID_REFRESH_TOKEN', message: 'x' } }, { status: 401, statusText: 'Unauthorized' });
    expect(ok).toBe(false);
    expect(store.signedIn()).toBe(false);
    expect(store.accessToken()).toBeNull();
  });

  it('signs out even when the API call fails', () => {
    store.user.set(ADA);
    let done = false;
    store.logout().subscribe({ complete: () => (done = true) });
    http.expectOne('/api/v1/auth/logout').error(new ProgressEvent('error'), { status: 0 });
    expect(done).toBe(true);
    expect(store.user()).toBeNull();
  });
});
