import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialogRef } from '@angular/material/dialog';
import { CreateApiKeyDialog } from './create-api-key-dialog';
import { CreateUserDialog } from './create-user-dialog';

describe('create dialogs', () => {
  let http: HttpTestingController;
  let closed: unknown[];

  beforeEach(() => {
    closed = [];
    TestBed.configureTestingModule({
      imports: [CreateApiKeyDialog, CreateUserDialog],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close: (v: unknown) => closed.push(v) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('creates an API key with the chosen scopes and expiry', async () => {
    const fixture = TestBed.createComponent(CreateApiKeyDialog);
    await fixture.whenStable();
    const c = fixture.componentInstance;
    c.submit();
    expect(c.error()).toBe('Give the key a name (up to 100 characters).');
    c.form.setValue({ name: ' ingest ', expires: '2030-01-31' });
    c.toggle('catalog:read', false);
    c.submit();
    expect(c.error()).toBe('Choose at least one scope.');
    c.toggle('usage:write', true);
    c.toggle('gateway', true);
    c.submit();
    const req = http.expectOne('/api/v1/api-keys');
    expect(req.request.body).toEqual({
      name: 'ingest',
      scopes: ['usage:write', 'gateway'],
      expires_at: new Date('2030-01-31T23:59:59').toISOString(),
    });
    req.flush({ id: 'k', key: 'mph_x_y' });
    expect(closed).toEqual([{ id: 'k', key: 'mph_x_y' }]);
  });

  it('shows the API error message when a key cannot be created', async () => {
    const fixture = TestBed.createComponent(CreateApiKeyDialog);
    const c = fixture.componentInstance;
    c.form.setValue({ name: 'x', expires: '' });
    c.submit();
    http
      .expectOne('/api/v1/api-keys')
      .flush(
        { error: { code: 'VALIDATION_FAILED', message: 'expires_at must be in the future.' } },
        { status: 400, statusText: 'Bad Request' },
      );
    expect(c.error()).toBe('expires_at must be in the future.');
    expect(closed).toEqual([]);
  });

  it('creates a user, or shows why not', async () => {
    const fixture = TestBed.createComponent(CreateUserDialog);
    const c = fixture.componentInstance;
    c.form.setValue({ email: 'bad', display_name: '', role: 'member' });
    c.submit();
    expect(c.error()).toBe('Enter a valid email address.');
    c.form.setValue({ email: 'grace@example.com', display_name: 'Grace', role: 'operator' });
    c.submit();
    const req = http.expectOne('/api/v1/users');
    expect(req.request.body).toEqual({ email: 'grace@example.com', role: 'operator', display_name: 'Grace' });
    req.flush(
      { error: { code: 'EMAIL_TAKEN', message: 'A user with the email grace@example.com already exists.' } },
      { status: 409, statusText: 'Conflict' },
    );
    expect(c.error()).toBe('A user with the email grace@example.com already exists.');
    c.submit();
    http.expectOne('/api/v1/users').flush({ id: 'u2', email: 'grace@example.com', password: 'p' });
    expect(closed).toEqual([{ id: 'u2', email: 'grace@example.com', password: 'p' }]);
  });
});
