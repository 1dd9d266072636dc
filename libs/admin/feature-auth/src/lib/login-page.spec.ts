import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { LoginPage, safeReturnUrl } from './login-page';
import { ADA, PAIR } from './session.store.spec';

describe('LoginPage', () => {
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [LoginPage],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  async function render(returnUrl?: string) {
    const fixture = TestBed.createComponent(LoginPage);
    if (returnUrl) fixture.componentRef.setInput('returnUrl', returnUrl);
    await fixture.whenStable();
    return fixture;
  }

  function fill(el: HTMLElement, email: string, password: string) {
    const [emailInput, passwordInput] = [...el.querySelectorAll('input')];
    emailInput.value = email;
    emailInput.dispatchEvent(new Event('input'));
    passwordInput.value = password;
    passwordInput.dispatchEvent(new Event('input'));
    el.querySelector('form')?.dispatchEvent(new Event('submit'));
  }

  it('signs in and returns to where the user was going', async () => {
    const fixture = await render('/admin/users?page=2');
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    fill(fixture.nativeElement, 'ada@example.com', 'pw');
    http.expectOne('/api/v1/auth/login').flush(PAIR);
    http.expectOne('/api/v1/auth/me').flush(ADA);
    await fixture.whenStable();
    expect(navigate).toHaveBeenCalledWith('/admin/users?page=2');
  });

  it.each([
    [401, 'Email or password is wrong.'],
    [429, 'Too many attempts. Wait a minute, then try again.'],
    [0, 'Signing in failed. Check your connection and try again.'],
  ])('explains a %i answer in the form', async (status, message) => {
    const fixture = await render();
    fill(fixture.nativeElement, 'ada@example.com', 'pw');
    const req = http.expectOne('/api/v1/auth/login');
    if (status === 0) req.error(new ProgressEvent('error'), { status: 0 });
    else req.flush({ error: { code: 'X', message: 'x' } }, { status, statusText: 'Error' });
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[data-testid="login-error"]')?.textContent).toBe(message);
  });

  it('does not send an invalid form', async () => {
    const fixture = await render();
    fill(fixture.nativeElement, 'not-an-email', '');
    http.expectNone('/api/v1/auth/login');
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('Enter an email address.');
  });
});

describe('safeReturnUrl', () => {
  it.each([
    [undefined, '/'],
    ['/admin/users', '/admin/users'],
    ['https://evil.example.com', '/'],
    ['//evil.example.com', '/'],
    ['/login?returnUrl=/x', '/'],
  ])('%s → %s', (input, expected) => {
    expect(safeReturnUrl(input)).toBe(expected);
  });
});
