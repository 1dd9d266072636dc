import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { UserDto } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { provideIcons } from '@mph/admin-ui';
import { App } from './app';
import { appRoutes, NAV_ITEMS } from './app.routes';

const user: UserDto = {
  id: 'u1',
  email: 'ada@example.com',
  display_name: 'Ada',
  role: 'admin',
  disabled: false,
  created_at: '2026-01-01T00:00:00Z',
  last_login_at: null,
};

const navLabels = (el: HTMLElement) => [...el.querySelectorAll('nav a')].map((a) => a.textContent?.trim());

describe('App shell', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      imports: [App],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideIcons(), provideRouter(appRoutes)],
    });
  });

  it('shows the brand, the public areas, a sign-in button and the theme toggle to anonymous visitors', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('.brand')?.textContent).toBe('Model Price Hub');
    const links = [...el.querySelectorAll('nav a')].map((a) => [a.getAttribute('href'), a.textContent?.trim()]);
    expect(links).toEqual(NAV_ITEMS.filter((i) => i.roles === undefined).map((i) => [i.path, i.label]));
    expect(el.querySelector('[data-testid="sign-in"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="theme-toggle"]')?.getAttribute('aria-label')).toMatch(
      /^Switch to (dark|light) theme$/,
    );
  });

  it('shows each role only the areas it may use, and the user menu', async () => {
    const session = TestBed.inject(SessionStore);
    const fixture = TestBed.createComponent(App);
    session.user.set({ ...user, role: 'member' });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(navLabels(el)).toEqual(['Home', 'Catalog', 'Pricing', 'Costs', 'Chat', 'API keys']);
    expect(el.querySelector('[data-testid="user-menu"]')?.textContent).toContain('Ada');
    session.user.set({ ...user, role: 'operator' });
    await fixture.whenStable();
    expect(navLabels(el)).toEqual([
      'Home',
      'Catalog',
      'Pricing',
      'Costs',
      'Chat',
      'API keys',
      'Audit log',
      'Jobs',
      'Status',
    ]);
    session.user.set({ ...user, role: 'admin' });
    await fixture.whenStable();
    expect(navLabels(el)).toEqual(NAV_ITEMS.map((i) => i.label));
  });

  it('signs out through the API and goes to the sign-in page', async () => {
    const session = TestBed.inject(SessionStore);
    session.user.set(user);
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    fixture.componentInstance.signOut();
    TestBed.inject(HttpTestingController)
      .expectOne('/api/v1/auth/logout')
      .flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    expect(session.user()).toBeNull();
    expect(TestBed.inject(Router).url).toBe('/login');
  });

  it('toggles the theme and marks the active area', async () => {
    const fixture = TestBed.createComponent(App);
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/pricing');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('a[aria-current="page"]')?.textContent?.trim()).toBe('Pricing');

    const before = document.documentElement.dataset['theme'];
    (el.querySelector('[data-testid="theme-toggle"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(document.documentElement.dataset['theme']).not.toBe(before);
    expect(localStorage.getItem('mph.theme')).toBe(document.documentElement.dataset['theme']);
  });

  it('opens the public home page at /, guards admin pages, and shows a not-found state for unknown pages', async () => {
    const fixture = TestBed.createComponent(App);
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/');
    await fixture.whenStable();
    expect(router.url).toBe('/');
    expect((fixture.nativeElement as HTMLElement).querySelector('h1')?.textContent).toContain('What does it cost?');
    // Status is an operator's page now: not in a visitor's navigation.
    expect((fixture.nativeElement as HTMLElement).textContent).not.toContain('Status');
    await router.navigateByUrl('/admin');
    expect(router.url).toBe('/admin/status');
    await router.navigateByUrl('/admin/users');
    expect(router.url).toBe('/login?returnUrl=%2Fadmin%2Fusers');
    await router.navigateByUrl('/no/such/page');
    expect(router.url).toBe('/no/such/page');
  });
});
