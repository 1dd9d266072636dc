import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { provideRouter, Router } from '@angular/router';
import type { UserDto } from '@mph/admin-api-client';
import { of } from 'rxjs';
import { UsersPage } from './users-page';

const ada: UserDto = {
  id: 'u1',
  email: 'ada@example.com',
  display_name: 'Ada',
  role: 'member',
  disabled: false,
  created_at: '2026-01-01T00:00:00Z',
  last_login_at: null,
};

describe('UsersPage', () => {
  let http: HttpTestingController;
  let dialogResults: unknown[];
  let opened: unknown[];

  beforeEach(() => {
    dialogResults = [];
    opened = [];
    TestBed.configureTestingModule({
      imports: [UsersPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'admin/users', component: UsersPage }]),
        {
          provide: MatDialog,
          useValue: {
            open: (c: unknown, cfg: unknown) => (opened.push(cfg), { afterClosed: () => of(dialogResults.shift()) }),
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  async function render(url = '/admin/users') {
    await TestBed.inject(Router).navigateByUrl(url);
    const fixture = TestBed.createComponent(UsersPage);
    await fixture.whenStable();
    return fixture;
  }

  it('loads the page, search and role from the URL and renders the rows', async () => {
    const fixture = await render('/admin/users?q=ada&role=member&page=2&per_page=50');
    const req = http.expectOne((r) => r.url === '/api/v1/users');
    expect(req.request.params.toString()).toBe('page=2&per_page=50&q=ada&role=member');
    req.flush({ data: [ada], meta: { page: 2, per_page: 50, total: 51 } });
    await fixture.whenStable();
    const text = (fixture.nativeElement as HTMLElement).textContent ?? '';
    expect(text).toContain('ada@example.com');
    expect(text).toContain('never');
    expect(text).toContain('Active');
  });

  it('puts a new search in the URL, which reloads the list', async () => {
    const fixture = await render();
    http.expectOne((r) => r.url === '/api/v1/users').flush({ data: [], meta: { page: 1, per_page: 20, total: 0 } });
    fixture.componentInstance.search('  grace ');
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/admin/users?q=grace');
    const req = http.expectOne((r) => r.url === '/api/v1/users');
    expect(req.request.params.get('q')).toBe('grace');
    req.flush({ data: [], meta: { page: 1, per_page: 20, total: 0 } });
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('No users match.');
  });

  it('changes a role, then reloads', async () => {
    const fixture = await render();
    http.expectOne((r) => r.url === '/api/v1/users').flush({ data: [ada], meta: { page: 1, per_page: 20, total: 1 } });
    fixture.componentInstance.changeRole(ada, 'operator');
    const patch = http.expectOne('/api/v1/users/u1');
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.body).toEqual({ role: 'operator' });
    patch.flush({ ...ada, role: 'operator' });
    http.expectOne((r) => r.url === '/api/v1/users').flush({ data: [], meta: { page: 1, per_page: 20, total: 0 } });
    fixture.componentInstance.changeRole(ada, 'member');
    http.expectNone('/api/v1/users/u1');
  });

  it('disables only after confirmation', async () => {
    const fixture = await render();
    http.expectOne((r) => r.url === '/api/v1/users').flush({ data: [ada], meta: { page: 1, per_page: 20, total: 1 } });
    dialogResults.push(false);
    fixture.componentInstance.toggleDisabled(ada);
    http.expectNone('/api/v1/users/u1');
    dialogResults.push(true);
    fixture.componentInstance.toggleDisabled(ada);
    const patch = http.expectOne('/api/v1/users/u1');
    expect(patch.request.body).toEqual({ disabled: true });
    patch.flush({ ...ada, disabled: true });
    http.expectOne((r) => r.url === '/api/v1/users').flush({ data: [], meta: { page: 1, per_page: 20, total: 0 } });
  });

  it('resets a password after confirmation and shows the new one once', async () => {
    const fixture = await render();
    http.expectOne((r) => r.url === '/api/v1/users').flush({ data: [ada], meta: { page: 1, per_page: 20, total: 1 } });
    dialogResults.push(true, undefined);
    fixture.componentInstance.resetPassword(ada);
    http.expectOne('/api/v1/users/u1/reset-password').flush({ password: 'N3wPassw0rd-generated' });
    expect(opened.at(-1)).toMatchObject({ data: { secret: 'N3wPassw0rd-generated' } });
  });

  it('creates a user and shows the generated password once', async () => {
    const fixture = await render();
    http.expectOne((r) => r.url === '/api/v1/users').flush({ data: [], meta: { page: 1, per_page: 20, total: 0 } });
    dialogResults.push({ ...ada, password: 'generated-secret-1' }, undefined);
    fixture.componentInstance.create();
    http.expectOne((r) => r.url === '/api/v1/users').flush({ data: [ada], meta: { page: 1, per_page: 20, total: 1 } });
    expect(opened.at(-1)).toMatchObject({
      data: { secret: 'generated-secret-1', title: 'ada@example.com can now sign in' },
    });
  });
});
