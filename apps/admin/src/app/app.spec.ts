import { provideHttpClient } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { provideIcons } from '@mph/admin-ui';
import { App } from './app';
import { appRoutes, NAV_ITEMS } from './app.routes';

describe('App shell', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      imports: [App],
      providers: [provideHttpClient(), provideIcons(), provideRouter(appRoutes)],
    });
  });

  it('shows the brand, one navigation link per area, and the theme toggle', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('.brand')?.textContent).toBe('Model Price Hub');
    const links = [...el.querySelectorAll('nav a')].map((a) => [a.getAttribute('href'), a.textContent?.trim()]);
    expect(links).toEqual(NAV_ITEMS.map((i) => [i.path, i.label]));
    expect(el.querySelector('[data-testid="theme-toggle"]')?.getAttribute('aria-label')).toMatch(
      /^Switch to (dark|light) theme$/,
    );
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

  it('redirects / to the status page and unknown pages to a not-found state', async () => {
    TestBed.createComponent(App);
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/');
    expect(router.url).toBe('/admin/status');
    await router.navigateByUrl('/admin');
    expect(router.url).toBe('/admin/status');
    await router.navigateByUrl('/no/such/page');
    expect(router.url).toBe('/no/such/page');
  });
});
