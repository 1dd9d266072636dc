import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { UsageEventDto } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { provideIcons } from '@mph/admin-ui';
import { topLabel } from './costs-page';
import { UsagePage } from './usage-page';

const event: UsageEventDto = {
  id: '42',
  idempotency_key: 'txn-abc',
  occurred_at: '2026-01-15T10:00:00.000Z',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5-20250929',
  resolved_model: 'anthropic/claude-sonnet-4.5',
  offering_id: 'off-1',
  service_tier: 'standard',
  region: '',
  project: 'p1',
  project_name: 'support-bot',
  usage: { input_tokens: 100000, output_tokens: 1000 },
  total_cost: '0.1065',
  breakdown: { input: '0.03', output: '0.015' },
  currency: 'USD',
  fx_rate: '1',
  price_version_id: 'ver-1',
  cost_error: null,
  status: 'partial',
  latency_ms: 1234,
  ttft_ms: 210,
  user_email: 'member@example.com',
  api_key_id: 'key-1',
  api_key_name: 'ingest',
};

describe('usage page', () => {
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideIcons(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'costs/usage', component: UsagePage }]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    TestBed.inject(SessionStore).user.set({
      id: 'u1',
      email: 'ops@example.com',
      display_name: 'Ops',
      role: 'operator',
      disabled: false,
      created_at: '2026-01-01T00:00:00Z',
      last_login_at: null,
    } as never);
  });
  afterEach(() => http.verify());

  it('filters from the URL, names the key, and opens a call on its latency, TTFT, transaction id and price version', async () => {
    await TestBed.inject(Router).navigateByUrl('/costs/usage?api_key=key-1&status=partial');
    const fixture = TestBed.createComponent(UsagePage);
    await fixture.whenStable();
    http.expectOne('/api/v1/api-keys').flush({ data: [{ id: 'key-1', name: 'ingest' }] });
    http.expectOne('/api/v1/projects').flush({ data: [{ id: 'p1', name: 'support-bot' }] });
    const req = http.expectOne((r) => r.url === '/api/v1/costs/events');
    expect(req.request.params.get('api_key')).toBe('key-1');
    expect(req.request.params.get('status')).toBe('partial');
    expect(req.request.params.has('model')).toBe(false);
    req.flush({ data: [event], meta: { next_cursor: null } });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const row = el.querySelector('[data-testid="event-txn-abc"]')?.textContent ?? '';
    expect(row).toContain('$0.1065');
    expect(row).toContain('ingest');
    expect(row).toContain('support-bot');
    (el.querySelector('[data-testid="open-txn-abc"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    const detail = (el.querySelector('[data-testid="detail-txn-abc"]')?.textContent ?? '').replace(/\s+/g, ' ');
    expect(detail).toContain('txn-abc');
    expect(detail).toContain('1,234 ms');
    expect(detail).toContain('210 ms');
    expect(detail).toContain('ver-1');
    expect(detail).toContain('input: $0.03');

    // Changing a filter writes the URL and reloads from the first page.
    fixture.componentInstance.draft.model = ' gpt-4o ';
    fixture.componentInstance.apply();
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/costs/usage?api_key=key-1&status=partial&model=gpt-4o');
    const again = http.expectOne((r) => r.url === '/api/v1/costs/events');
    expect(again.request.params.get('model')).toBe('gpt-4o');
    again.flush({ data: [], meta: { next_cursor: null } });
    await fixture.whenStable();
    expect(el.textContent).toContain('No call matches these filters.');
  });

  it('names the rows of the top lists', () => {
    expect(topLabel('api_key', { api_key: 'k', api_key_name: 'ingest' })).toBe('ingest');
    expect(topLabel('api_key', { api_key: '' })).toBe('(signed-in session, no key)');
    expect(topLabel('api_key', { api_key: 'k' })).toBe('(deleted key)');
    expect(topLabel('project', { project: 'p1', project_name: 'support-bot' })).toBe('support-bot');
    expect(topLabel('model', { model: 'o3' })).toBe('o3');
  });
});
