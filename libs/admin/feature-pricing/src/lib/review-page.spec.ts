import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import type { HeldPriceDto } from '@mph/admin-api-client';
import { HeldPriceDialog, heldConditions, ReviewPage } from './review-page';

const held: HeldPriceDto = {
  id: 'h1',
  offering: {
    id: 'o1',
    provider: 'wandb',
    provider_model_id: 'meta-llama/Llama-3.1-8B-Instruct',
    context_window: null,
    max_output: null,
    status: 'active',
  },
  model_id: 'meta-llama/Llama-3.1-8B-Instruct',
  source: 'litellm',
  run_id: 'r1',
  service_tier: 'standard',
  region: '',
  currency: 'USD',
  effective_from: '1970-01-01T00:00:00.000Z',
  components: [
    { unit: 'input', amount: '22000', per: '1M tokens', prompt_tokens_above: 0, window_start: null, window_end: null },
    { unit: 'output', amount: '22000', per: '1M tokens', prompt_tokens_above: 0, window_start: null, window_end: null },
  ],
  unit: 'input',
  amount: '22000',
  reference: '0.05',
  factor: '440000',
  kind: 'median',
  looks_like: 'a per-token price stated as per 1M tokens (×1,000,000)',
  reason: 'input 22000 per 1M is ×440000 the median (0.05) of 12 other offerings of meta-llama/Llama-3.1-8B-Instruct.',
  status: 'held',
  decided_by: null,
  decided_at: null,
  decision_note: null,
  version_id: null,
  created_at: '2026-12-06T10:00:00.000Z',
};

describe('Review page', () => {
  let http: HttpTestingController;
  let closed: unknown[];
  beforeEach(() => {
    closed = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        provideNoopAnimations(),
        { provide: MAT_DIALOG_DATA, useValue: held },
        { provide: MatDialogRef, useValue: { close: (v?: unknown) => closed.push(v) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('lists quarantined runs and held prices with the reason, the reference and the slip it looks like', async () => {
    const fixture = TestBed.createComponent(ReviewPage);
    fixture.detectChanges();
    http
      .expectOne((r) => r.url === '/api/v1/sync/runs' && r.params.get('status') === 'quarantined')
      .flush({
        data: [
          {
            id: 'r9',
            source_id: 's1',
            source_name: 'openrouter',
            adapter: 'openrouter',
            trigger: 'schedule',
            dry_run: false,
            status: 'quarantined',
            phase: 'done',
            started_at: '2026-12-06T09:00:00.000Z',
            finished_at: null,
            counts: {},
            error: null,
            quarantine_reason: '41% of the offerings would change',
            started_by: null,
            decided_by: null,
          },
        ],
        meta: { page: 1, per_page: 50, total: 1 },
      });
    const req = http.expectOne((r) => r.url === '/api/v1/sync/held');
    expect(req.request.params.get('status')).toBe('held');
    req.flush({ data: [held], meta: { page: 1, per_page: 25, total: 1 } });
    await fixture.whenStable();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="quarantined-runs"]')?.textContent).toContain(
      'openrouter, 2026-12-06 09:00 UTC · 41% of the offerings would change',
    );
    const table = el.querySelector('[data-testid="held-table"]')?.textContent ?? '';
    expect(table).toContain('wandb');
    expect(table).toContain('input 22000 USD');
    expect(table).toContain('×440000 the median (0.05)');
    expect(table).toContain('a per-token price stated as per 1M tokens');
    expect(el.querySelector('[data-testid="review-wandb"]')?.getAttribute('aria-label')).toBe(
      'Review the held price of wandb meta-llama/Llama-3.1-8B-Instruct',
    );
  });

  it('says so when nothing is held', async () => {
    const fixture = TestBed.createComponent(ReviewPage);
    fixture.detectChanges();
    http.expectOne((r) => r.url === '/api/v1/sync/runs').flush({ data: [], meta: { page: 1, per_page: 50, total: 0 } });
    http.expectOne((r) => r.url === '/api/v1/sync/held').flush({ data: [], meta: { page: 1, per_page: 25, total: 0 } });
    await fixture.whenStable();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="no-quarantined"]')?.textContent).toContain('No run waits');
    expect(el.querySelector('[data-testid="no-held"]')?.textContent).toContain('Nothing is held');
  });

  it('the dialog rejects with a note, or shows why a decision was refused', async () => {
    const fixture = TestBed.createComponent(HeldPriceDialog);
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="held-reason"]')?.textContent).toContain('×440000 the median');
    expect(el.textContent).toContain('in force from first record');
    fixture.componentInstance.note = ' per-token slip ';
    (el.querySelector('[data-testid="reject-held"]') as HTMLButtonElement).click();
    const reject = http.expectOne('/api/v1/sync/held/h1/reject');
    expect(reject.request.body).toEqual({ note: 'per-token slip' });
    reject.flush({ ...held, status: 'rejected' });
    expect(closed).toEqual([{ ...held, status: 'rejected' }]);

    fixture.componentInstance.note = '';
    fixture.componentInstance.decide('approve');
    const approve = http.expectOne('/api/v1/sync/held/h1/approve');
    expect(approve.request.body).toEqual({});
    approve.flush(
      { error: { code: 'HELD_PRICE_DECIDED', message: 'This price was already rejected by ops@example.com.' } },
      { status: 409, statusText: 'Conflict' },
    );
    expect(fixture.componentInstance.error()).toBe('This price was already rejected by ops@example.com.');
    expect(closed).toHaveLength(1);
  });

  it('names the conditions beyond the offering', () => {
    expect(heldConditions({ service_tier: 'standard', region: '' })).toBe('');
    expect(heldConditions({ service_tier: 'batch', region: 'eu' })).toBe('region eu · batch tier');
  });
});
