import { HttpClient, HttpContext, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { NavigationEnd, provideRouter, Router } from '@angular/router';
import { filter, firstValueFrom } from 'rxjs';
import { SKIP_AUTH } from '@mph/admin-ui';
import { authInterceptor } from './auth.interceptor';
import { SessionStore } from './session.store';
import { ADA, PAIR } from './session.store.spec';

@Component({ selector: 'mph-blank', template: '' })
class Blank {}

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let store: SessionStore;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideRouter([{ path: 'login', component: Blank }]),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    store = TestBed.inject(SessionStore);
  });
  afterEach(() => backend.verify());

  function signIn(token = 'old') {
    store.login('a', 'b').subscribe();
    backend.expectOne('/api/v1/auth/login').flush({ ...PAIR, access_token: token });
    backend.expectOne('/api/v1/auth/me').flush(ADA);
  }

  it('adds the access token to API calls only', () => {
    signIn();
    http.get('/api/v1/users').subscribe();
    expect(backend.expectOne('/api/v1/users').request.headers.get('Authorization')).toBe('Bearer old');
    http.get('/assets/x.json').subscribe();
    expect(backend.expectOne('/assets/x.json').request.headers.has('Authorization')).toBe(false);
    http.get('/api/v1/status', { context: new HttpContext().set(SKIP_AUTH, true) }).subscribe();
    expect(backend.expectOne('/api/v1/status').request.headers.has('Authorization')).toBe(false);
  });

  it('refreshes once on a 401 and retries with the new token', () => {
    signIn();
    let body: unknown;
    http.get('/api/v1/users').subscribe((b) => (body = b));
    backend
      .expectOne('/api/v1/users')
      .flush({ error: { code: 'UNAUTHORIZED' } }, { status: 401, statusText: 'Unauthorized' });
    backend.expectOne('/api/v1/auth/refresh').flush({ ...PAIR, access_token: 'new' });
    backend.expectOne('/api/v1/auth/me').flush(ADA);
    const retry = backend.expectOne('/api/v1/users');
    expect(retry.request.headers.get('Authorization')).toBe('Bearer new');
    retry.flush({ data: [] });
    expect(body).toEqual({ data: [] });
  });

  it('sends the user to sign in when the session cannot be refreshed', async () => {
    signIn();
    let failed = false;
    http.get('/api/v1/users').subscribe({ error: () => (failed = true) });
    const router = TestBed.inject(Router);
    const navigated = firstValueFrom(router.events.pipe(filter((e) => e instanceof NavigationEnd)));
    backend.expectOne('/api/v1/users').flush({}, { status: 401, statusText: 'Unauthorized' });
    backend.expectOne('/api/v1/auth/refresh').flush({}, { status: 401, statusText: 'Unauthorized' });
    await navigated;
    expect(failed).toBe(true);
    expect(router.url).toBe('/login?returnUrl=%2F');
    expect(store.signedIn()).toBe(false);
  });

  it('passes other errors through without refreshing', () => {
    signIn();
    let status = 0;
    http.get('/api/v1/users').subscribe({ error: (e) => (status = e.status) });
    backend.expectOne('/api/v1/users').flush({}, { status: 403, statusText: 'Forbidden' });
    expect(status).toBe(403);
  });
});
