import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialogRef } from '@angular/material/dialog';
import { ChangePasswordDialog } from './change-password-dialog';

describe('ChangePasswordDialog', () => {
  let http: HttpTestingController;
  let closed: unknown[];

  beforeEach(() => {
    closed = [];
    TestBed.configureTestingModule({
      imports: [ChangePasswordDialog],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close: (v: unknown) => closed.push(v) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  async function submit(current: string, next: string, confirm: string) {
    const fixture = TestBed.createComponent(ChangePasswordDialog);
    await fixture.whenStable();
    fixture.componentInstance.form.setValue({ current, next, confirm });
    fixture.componentInstance.submit();
    await fixture.whenStable();
    return fixture;
  }

  it('changes the password and closes with true', async () => {
    await submit('old-password', 'a-new-password-123', 'a-new-password-123');
    const req = http.expectOne('/api/v1/auth/password');
    expect(req.request.body).toEqual({ current_password: 'old-password', new_password: 'a-new-password-123' });
    req.flush(null, { status: 204, statusText: 'No Content' });
    expect(closed).toEqual([true]);
  });

  it('refuses short or mismatched new passwords before calling the API', async () => {
    const short = await submit('old', 'short', 'short');
    expect(short.componentInstance.error()).toBe('The new password needs at least 12 characters.');
    await submit('old', 'a-new-password-123', 'different-password-1');
    http.expectNone('/api/v1/auth/password');
  });

  it('says when the current password is wrong', async () => {
    const fixture = await submit('wrong', 'a-new-password-123', 'a-new-password-123');
    http
      .expectOne('/api/v1/auth/password')
      .flush({ error: { code: 'WRONG_PASSWORD' } }, { status: 400, statusText: 'Bad Request' });
    expect(fixture.componentInstance.error()).toBe('The current password is wrong.');
    expect(closed).toEqual([]);
  });
});
