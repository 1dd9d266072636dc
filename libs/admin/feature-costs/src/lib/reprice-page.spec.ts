import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { RepriceResultDto } from '@mph/admin-api-client';
import { of } from 'rxjs';
import { dayAfter, RepricePage, repriceRequest, totalsText } from './reprice-page';

const preview: RepriceResultDto = {
  run_id: null,
  dry_run: true,
  events: 3,
  adjusted: 2,
  newly_priced: 1,
  still_unpriced: 0,
  total_delta: '0.05',
  totals: [{ currency: 'USD', adjusted: 2, delta: '0.05' }],
  by_model: [{ provider: 'openai', model: 'openai/o3', adjusted: 2, delta: '0.05', currency: 'USD' }],
  largest: [
    {
      event_id: '7',
      occurred_at: '2025-01-10T08:00:00.000Z',
      provider: 'openai',
      model: 'openai/o3',
      old_cost: null,
      new_cost: '0.06',
      delta: '0.06',
      currency: 'USD',
    },
    {
      event_id: '9',
      occurred_at: '2025-05-20T10:00:00.000Z',
      provider: 'openai',
      model: 'openai/o3',
      old_cost: '0.05',
      new_cost: '0.04',
      delta: '-0.01',
      currency: 'USD',
    },
  ],
};

describe('re-pricing page', () => {
  let http: HttpTestingController;
  let confirmed: unknown[];
  beforeEach(() => {
    confirmed = [];
    TestBed.configureTestingModule({
      providers: [
        provideNoopAnimations(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        {
          provide: MatDialog,
          useValue: {
            open: (_c: unknown, cfg: { data: unknown }) => (confirmed.push(cfg.data), { afterClosed: () => of(true) }),
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('sends whole UTC days, the last one included', () => {
    expect(dayAfter('2025-02-28')).toBe('2025-03-01');
    expect(dayAfter('2024-12-31')).toBe('2025-01-01');
    expect(
      repriceRequest({ from: '2025-01-01', to: '2025-06-30', provider: ' ', model: ' openai/o3 ', reason: ' fix ' }),
    ).toEqual({ from: '2025-01-01T00:00:00Z', to: '2025-07-01T00:00:00Z', model: 'openai/o3', reason: 'fix' });
  });

  it('previews first, shows what moves, and applies exactly the previewed window after a confirmation', async () => {
    const fixture = TestBed.createComponent(RepricePage);
    const page = fixture.componentInstance;
    await fixture.whenStable();
    page.form.setValue({
      from: '2025-01-01',
      to: '2025-06-30',
      provider: '',
      model: 'openai/o3',
      reason: 'Vendor fix',
    });
    page.preview();
    const dry = http.expectOne('/api/v1/costs/reprice');
    expect(dry.request.body).toMatchObject({ dry_run: true, to: '2025-07-01T00:00:00Z' });
    dry.flush(preview);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const text = (sel: string) => (el.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim();
    expect(text('[data-testid="reprice-summary"]')).toBe(
      '3 calls in the window; 2 would change by +$0.05 in total, 1 of them unpriced until now.',
    );
    const rows = [...el.querySelectorAll('[data-testid="reprice-largest"] tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['#7', '2025-01-10 08:00', 'openai · openai/o3', 'unpriced', '$0.06'],
      ['#9', '2025-05-20 10:00', 'openai · openai/o3', '$0.05', '$0.04'],
    ]);

    // A changed input makes the preview stale: it disappears and cannot be applied.
    page.form.controls.reason.setValue('Vendor fix, May');
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="reprice-apply"]')).toBeNull();
    page.apply();
    http.expectNone('/api/v1/costs/reprice');

    page.preview();
    http.expectOne('/api/v1/costs/reprice').flush(preview);
    await fixture.whenStable();
    (el.querySelector('[data-testid="reprice-apply"]') as HTMLButtonElement).click();
    expect(confirmed[0]).toMatchObject({ title: 'Re-price 2 calls?' });
    const run = http.expectOne('/api/v1/costs/reprice');
    expect(run.request.body).toEqual({
      from: '2025-01-01T00:00:00Z',
      to: '2025-07-01T00:00:00Z',
      model: 'openai/o3',
      reason: 'Vendor fix, May',
    });
    run.flush({ ...preview, dry_run: false, run_id: 'run-1' });
    await fixture.whenStable();
    expect(text('[data-testid="reprice-done"]')).toContain('Run run-1 is in the audit log');
  });

  it('shows each currency’s total when a window mixes them', () => {
    expect(
      totalsText([
        { currency: 'EUR', delta: '-1.2' },
        { currency: 'USD', delta: '0.05' },
      ]),
    ).toBe('−€1.20, +$0.05');
  });

  it('refuses a last day before the first without asking the server', async () => {
    const fixture = TestBed.createComponent(RepricePage);
    const page = fixture.componentInstance;
    await fixture.whenStable();
    page.form.setValue({ from: '2025-02-01', to: '2025-01-01', provider: '', model: '', reason: 'fix it' });
    page.preview();
    http.expectNone('/api/v1/costs/reprice');
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('On or after the first day');
    // Fixing the other side clears it.
    page.form.controls.from.setValue('2024-12-01');
    page.preview();
    http.expectOne('/api/v1/costs/reprice').flush(preview);
  });

  it('opens filled in from a price correction’s link', async () => {
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [
        provideNoopAnimations(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'costs/reprice', component: RepricePage }]),
      ],
    });
    const harness = await RouterTestingHarness.create();
    const page = await harness.navigateByUrl(
      '/costs/reprice?from=2026-03-01&to=2026-03-31&offering=0b9c2f4e-1111-4222-8333-944455556666&label=openai%20%C2%B7%20o3&reason=Price%20correction%3A%20typo',
      RepricePage,
    );
    expect(page.form.getRawValue()).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      provider: '',
      model: '',
      reason: 'Price correction: typo',
    });
    expect(harness.routeNativeElement?.textContent).toContain(
      'Only the calls priced by the corrected offering, openai · o3',
    );
    page.preview();
    const http = TestBed.inject(HttpTestingController);
    expect(http.expectOne('/api/v1/costs/reprice').request.body).toMatchObject({
      offering_id: '0b9c2f4e-1111-4222-8333-944455556666',
      dry_run: true,
    });
  });
});
