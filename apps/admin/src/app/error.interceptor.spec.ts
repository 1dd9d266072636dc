import { HttpClient, HttpErrorResponse, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatSnackBar } from '@angular/material/snack-bar';
import { errorInterceptor, errorMessage } from './error.interceptor';

describe('errorInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let opened: string[];

  beforeEach(() => {
    opened = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        { provide: MatSnackBar, useValue: { open: (message: string) => opened.push(message) } },
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });
  afterEach(() => backend.verify());

  it('shows the envelope message in a snackbar and still fails the call', () => {
    let failed: unknown;
    http.get('/api/v1/jobs/runs').subscribe({ error: (e: unknown) => (failed = e) });
    backend
      .expectOne('/api/v1/jobs/runs')
      .flush(
        { error: { code: 'VALIDATION_FAILED', message: 'The request is invalid: per_page: too big' } },
        { status: 400, statusText: 'Bad Request' },
      );
    expect(opened).toEqual(['The request is invalid: per_page: too big (VALIDATION_FAILED)']);
    expect(failed).toBeInstanceOf(HttpErrorResponse);
  });

  it('passes successful responses through untouched', () => {
    let body: unknown;
    http.get('/api/v1/status').subscribe((b) => (body = b));
    backend.expectOne('/api/v1/status').flush({ status: 'ok' });
    expect(body).toEqual({ status: 'ok' });
    expect(opened).toEqual([]);
  });
});

describe('errorMessage', () => {
  it('explains an unreachable API', () => {
    expect(errorMessage(new HttpErrorResponse({ status: 0 }))).toMatch(/cannot be reached/);
  });

  it('falls back to the status when the body is not an envelope', () => {
    expect(errorMessage(new HttpErrorResponse({ status: 502, statusText: 'Bad Gateway', error: '<html>' }))).toBe(
      'The API answered 502 Bad Gateway.',
    );
  });

  it('uses an envelope message without a code as is', () => {
    expect(errorMessage(new HttpErrorResponse({ status: 409, error: { error: { message: 'Taken.' } } }))).toBe(
      'Taken.',
    );
  });
});
