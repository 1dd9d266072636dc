import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { StatusDto } from '@mph/admin-api-client';
import { provideIcons } from '@mph/admin-ui';
import { formatUptime, StatusPage } from './status-page';

const healthy: StatusDto = {
  status: 'ok',
  version: '0.1.0',
  environment: 'production',
  started_at: '2026-11-22T06:00:00.000Z',
  uptime_seconds: 3725,
  database: { status: 'up', version: 'PostgreSQL 18.4', latency_ms: 1.25, embedded: true },
};

describe('StatusPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [StatusPage],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideIcons()],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  async function render() {
    const fixture = TestBed.createComponent(StatusPage);
    fixture.detectChanges();
    return fixture;
  }

  const text = (el: HTMLElement, id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.trim();

  it('loads /api/v1/status through the generated client and shows API and database', async () => {
    const fixture = await render();
    expect(fixture.nativeElement.querySelector('mat-progress-bar')).not.toBeNull();
    const req = http.expectOne('/api/v1/status');
    expect(req.request.method).toBe('GET');
    req.flush(healthy);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el, 'api-status')).toBe('Healthy');
    expect(text(el, 'api-version')).toBe('0.1.0');
    expect(text(el, 'db-status')).toBe('Up');
    expect(text(el, 'db-version')).toBe('PostgreSQL 18.4');
    expect(el.textContent).toContain('Embedded (started by the API)');
    expect(el.textContent).toContain('1 h 2 min');
    expect(el.textContent).toContain('1.3 ms');
    expect(el.querySelector('mat-progress-bar')).toBeNull();
  });

  it('shows a degraded API and the database problem', async () => {
    const fixture = await render();
    http.expectOne('/api/v1/status').flush({
      ...healthy,
      status: 'degraded',
      database: { status: 'down', embedded: false, error: 'no answer within 1500 ms' },
    });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el, 'api-status')).toBe('Degraded');
    expect(text(el, 'db-status')).toBe('Down');
    expect(text(el, 'db-version')).toBe('unknown');
    expect(el.textContent).toContain('no answer within 1500 ms');
    expect(el.textContent).toContain('External (DATABASE_URL)');
  });

  it('says what to do when the API does not answer, and refreshes on demand', async () => {
    const fixture = await render();
    http.expectOne('/api/v1/status').error(new ProgressEvent('error'), { status: 0 });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el, 'status-error')).toContain('The API does not answer');

    (el.querySelector('button') as HTMLButtonElement).click();
    http.expectOne('/api/v1/status').flush(healthy);
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="status-error"]')).toBeNull();
    expect(text(el, 'api-status')).toBe('Healthy');
  });

  it('reports an error answer differently from no answer', async () => {
    const fixture = await render();
    http
      .expectOne('/api/v1/status')
      .flush({ error: { code: 'INTERNAL_ERROR', message: 'x' } }, { status: 500, statusText: 'Server Error' });
    await fixture.whenStable();
    expect(text(fixture.nativeElement, 'status-error')).toContain('The API answered with an error');
  });
});

describe('formatUptime', () => {
  it.each([
    [42, '42 s'],
    [125, '2 min 5 s'],
    [3725, '1 h 2 min'],
    [2 * 86400 + 3 * 3600 + 5, '2 d 3 h'],
  ])('formats %i seconds as %s', (s, expected) => {
    expect(formatUptime(s)).toBe(expected);
  });
});
