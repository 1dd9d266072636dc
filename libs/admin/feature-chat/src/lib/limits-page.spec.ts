import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { LimitsPage, limitText } from './limits-page';

describe('gateway limits page', () => {
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideNoopAnimations(), provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('reads a limit as a sentence', () => {
    expect(limitText({ requests_per_minute: 600, tokens_per_minute: 200000 })).toBe(
      '600 requests and 200,000 tokens per minute',
    );
    expect(limitText({ requests_per_minute: null, tokens_per_minute: 5000 })).toBe('5,000 tokens per minute');
  });

  it('names limits by key and project, changes one in place, and refuses a limit with no number', async () => {
    const fixture = TestBed.createComponent(LimitsPage);
    await fixture.whenStable();
    http.expectOne((r) => r.url === '/api/v1/api-keys').flush({ data: [{ id: 'k1', name: 'ingest' }] });
    http.expectOne('/api/v1/projects').flush({ data: [{ id: 'p1', name: 'support-bot' }] });
    const limit = {
      id: 'l1',
      scope: 'project',
      scope_id: 'p1',
      requests_per_minute: 600,
      tokens_per_minute: null,
      created_at: '2026-12-01T00:00:00Z',
      updated_at: '2026-12-01T00:00:00Z',
    };
    http.expectOne('/api/v1/gateway/limits').flush({ data: [limit] });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const cells = [...(el.querySelector('[data-testid="limit-support-bot"]')?.querySelectorAll('td') ?? [])];
    expect(cells.slice(0, 2).map((td) => td.textContent?.trim())).toEqual([
      'Project support-bot',
      '600 requests per minute',
    ]);

    const page = fixture.componentInstance;
    page.edit(page.rows()[0]);
    page.form.patchValue({ requests_per_minute: '', tokens_per_minute: '' });
    page.save();
    http.expectNone('/api/v1/gateway/limits');
    expect(page.error()).toBe('Give requests or tokens per minute (or both).');

    page.form.patchValue({ tokens_per_minute: ' 200000 ' });
    page.save();
    const put = http.expectOne((r) => r.method === 'PUT');
    expect(put.request.body).toEqual({
      scope: 'project',
      scope_id: 'p1',
      requests_per_minute: null,
      tokens_per_minute: 200000,
    });
    put.flush({ ...limit, requests_per_minute: null, tokens_per_minute: 200000 });
    http.expectOne('/api/v1/gateway/limits').flush({ data: [] });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="no-limits"]')).not.toBeNull();
    expect(page.editing()).toBeNull();
  });
});
