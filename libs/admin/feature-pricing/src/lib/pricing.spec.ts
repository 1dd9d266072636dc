import { conditionedChanges, tookText } from './sync-run-page';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import type { PriceComponentDto, PriceVersionDto } from '@mph/admin-api-client';
import { provideIcons, stepLayout } from '@mph/admin-ui';
import { conditionLabel, currentVersions } from '@mph/admin-ui';
import { repriceParams, stepSeries, upcomingVersions } from './format';
import { PriceEditorDialog } from './price-editor-dialog';

const comp = (unit: string, amount: string, extra: Partial<PriceComponentDto> = {}): PriceComponentDto => ({
  unit,
  amount,
  per: unit === 'request' ? 'item' : '1M tokens',
  prompt_tokens_above: 0,
  window_start: null,
  window_end: null,
  ...extra,
});

const version = (
  from: string,
  to: string | null,
  components: PriceComponentDto[],
  tier: PriceVersionDto['service_tier'] = 'standard',
): PriceVersionDto => ({
  id: `${tier}-${from}`,
  offering_id: 'o3',
  service_tier: tier,
  region: '',
  effective_from: from,
  effective_to: to,
  recorded_at: from,
  source: 'demo',
  source_ref: null,
  currency: 'USD',
  reason: null,
  components,
});

// o3: $10/$40 until 2025-06-10, then $2/$8; an announced cut to $1.5/$6 in 2099.
const history = [
  version('2099-01-01T00:00:00.000Z', null, [comp('input', '1.5'), comp('output', '6')]),
  version('2025-06-10T00:00:00.000Z', '2099-01-01T00:00:00.000Z', [
    comp('input', '2'),
    comp('output', '8'),
    comp('input', '4', { prompt_tokens_above: 200000 }),
  ]),
  version('2025-04-16T00:00:00.000Z', '2025-06-10T00:00:00.000Z', [
    comp('input', '10'),
    comp('output', '40'),
    comp('request', '0.01'),
  ]),
  version('2025-06-10T00:00:00.000Z', null, [comp('input', '1'), comp('output', '4')], 'flex'),
];

describe('pricing console helpers', () => {
  it('turns a correction’s re-pricing window into whole UTC days, the exclusive end’s day left out at midnight', () => {
    const r = { provider: 'openai', model: 'o3', offering_id: 'off-1', reason: 'Price correction: typo' };
    expect(repriceParams({ ...r, from: '2026-03-01T12:00:00.000Z', to: '2026-04-01T00:00:00.000Z' })).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      offering: 'off-1',
      label: 'openai · o3',
      reason: 'Price correction: typo',
    });
    expect(repriceParams({ ...r, from: '2026-03-01T12:00:00.000Z', to: '2026-12-07T09:30:00.000Z' }).to).toBe(
      '2026-12-07',
    );
  });

  it('builds one step series per base token component of a tier, oldest segment first in the chart', () => {
    const series = stepSeries(history);
    expect(series.map((s) => s.label)).toEqual(['input', 'output']);
    expect(series[0].segments.map((g) => g.value).sort((a, b) => a - b)).toEqual([1.5, 2, 10]);
    expect(stepSeries(history, 'flex')[1].segments).toEqual([{ from: '2025-06-10T00:00:00.000Z', to: null, value: 4 }]);
  });

  it('draws contiguous versions as one stepped line and marks now', () => {
    const layout = stepLayout(stepSeries(history), Date.parse('2026-01-01T00:00:00Z'));
    const input = layout.paths.find((p) => p.label === 'input')?.d ?? '';
    expect(input.match(/M /g)).toHaveLength(1);
    expect(input.match(/V /g)).toHaveLength(2);
    expect(layout.now).not.toBeNull();
    expect(layout.yTicks[0].label).toBe('0');
  });

  it('tells what is in force and what is coming', () => {
    const at = Date.parse('2026-01-01T00:00:00Z');
    expect(currentVersions(history, at).map((v) => v.id)).toEqual([
      'standard-2025-06-10T00:00:00.000Z',
      'flex-2025-06-10T00:00:00.000Z',
    ]);
    expect(upcomingVersions(history, at).map((v) => v.id)).toEqual(['standard-2099-01-01T00:00:00.000Z']);
  });

  it('labels tiers and windows', () => {
    expect(conditionLabel(comp('input', '1'))).toBe('base');
    expect(conditionLabel(comp('input', '1', { prompt_tokens_above: 200000 }))).toBe('prompt > 200,000 tokens');
    expect(conditionLabel(comp('input', '1', { window_start: '16:30:00', window_end: '00:30:00' }))).toBe(
      '16:30–00:30 UTC',
    );
  });
});

describe('PriceEditorDialog', () => {
  let http: HttpTestingController;
  let closed: unknown[];
  beforeEach(() => {
    closed = [];
    TestBed.configureTestingModule({
      imports: [PriceEditorDialog],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideIcons(),
        { provide: MAT_DIALOG_DATA, useValue: { offeringId: 'o3', title: 'openai · o3', current: history[1] } },
        { provide: MatDialogRef, useValue: { close: (v?: unknown) => closed.push(v) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('asks a past start to be marked as a correction, and sends it as one', async () => {
    const fixture = TestBed.createComponent(PriceEditorDialog);
    await fixture.whenStable();
    const dialog = fixture.componentInstance;
    dialog.form.patchValue({ reason: 'Missed promotion', now: false, effective_from: '2030-01-01T00:00' });
    expect(dialog.backdated()).toBe(false);
    dialog.form.patchValue({ effective_from: '2020-01-01T00:00', correction: true });
    expect(dialog.backdated()).toBe(true);
    fixture.detectChanges();
    expect(fixture.nativeElement.querySelector('[data-testid="price-correction"]')).not.toBeNull();
    dialog.run(true);
    const preview = http.expectOne('/api/v1/offerings/o3/prices');
    expect(preview.request.body).toMatchObject({ effective_from: '2020-01-01T00:00:00.000Z', correction: true });
    preview.flush({ effective_from: '2020-01-01T00:00:00.000Z', changes: [] });
  });

  it('previews the diff, then saves exactly what was previewed', async () => {
    const fixture = TestBed.createComponent(PriceEditorDialog);
    await fixture.whenStable();
    const dialog = fixture.componentInstance;
    expect(dialog.components.length).toBe(3);
    expect(dialog.components.getRawValue().map((c) => c.unit)).toEqual(['input', 'input', 'output']);
    dialog.components.at(0).patchValue({ amount: '1.8' });
    dialog.components.at(1).patchValue({ amount: '4' });
    dialog.form.patchValue({ reason: 'Vendor price cut', now: false, effective_from: '2030-01-01T00:00' });
    dialog.run(true);
    const preview = http.expectOne('/api/v1/offerings/o3/prices');
    expect(preview.request.body).toEqual({
      service_tier: 'standard',
      reason: 'Vendor price cut',
      dry_run: true,
      effective_from: '2030-01-01T00:00:00.000Z',
      components: [
        { unit: 'input', amount: '1.8' },
        { unit: 'input', amount: '4', prompt_tokens_above: 200000 },
        { unit: 'output', amount: '8' },
      ],
    });
    preview.flush({
      offering_id: 'o3',
      applied: false,
      effective_from: '2030-01-01T00:00:00.000Z',
      effective_to: null,
      replaces: history[1],
      currency_changed: false,
      version: null,
      changes: [
        {
          unit: 'input',
          prompt_tokens_above: 0,
          window_start: null,
          window_end: null,
          before: '2',
          after: '1.8',
          change: 'changed',
          ratio: '0.9',
        },
        {
          unit: 'output',
          prompt_tokens_above: 0,
          window_start: null,
          window_end: null,
          before: '8',
          after: '8',
          change: 'unchanged',
          ratio: '1',
        },
      ],
    });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="change-input"]')?.textContent).toContain('changed (×0.9)');
    dialog.run(false);
    const save = http.expectOne('/api/v1/offerings/o3/prices');
    expect(save.request.body).toMatchObject({ dry_run: false, effective_from: '2030-01-01T00:00:00.000Z' });
    save.flush({ applied: true, effective_from: '2030-01-01T00:00:00.000Z' });
    expect(closed).toEqual([{ applied: true, effective_from: '2030-01-01T00:00:00.000Z' }]);
  });

  it('does not save before a preview, and any edit makes the preview stale', async () => {
    const fixture = TestBed.createComponent(PriceEditorDialog);
    await fixture.whenStable();
    const dialog = fixture.componentInstance;
    dialog.form.patchValue({ reason: 'Fix' });
    dialog.run(true);
    http.expectOne('/api/v1/offerings/o3/prices').flush({ effective_from: '2026-01-01T00:00:00.000Z', changes: [] });
    expect(dialog.preview()).not.toBeNull();
    dialog.components.at(1).patchValue({ amount: '7' });
    expect(dialog.preview()).toBeNull();
  });

  it('shows the server’s reason when it refuses', async () => {
    const fixture = TestBed.createComponent(PriceEditorDialog);
    await fixture.whenStable();
    const dialog = fixture.componentInstance;
    dialog.form.patchValue({ reason: 'Same again' });
    dialog.run(false);
    http.expectOne('/api/v1/offerings/o3/prices').flush(
      {
        error: {
          code: 'PRICE_UNCHANGED',
          message: 'These are already the prices in force at that instant; nothing to save.',
        },
      },
      { status: 422, statusText: 'Unprocessable' },
    );
    expect(dialog.error()).toContain('already the prices in force');
    dialog.components.at(0).patchValue({ amount: 'cheap' });
    dialog.run(true);
    http.expectNone('/api/v1/offerings/o3/prices');
    expect(dialog.error()).toBe('Fix the marked fields.');
  });
});

describe('sync run diff', () => {
  it('names the tier, region, prompt tier and window of each changed price, and says how long a run took', () => {
    const change = (unit: string, before: string | null, after: string | null, over = {}) => ({
      unit,
      before,
      after,
      change: before === null ? 'added' : 'changed',
      ratio: null,
      prompt_tokens_above: 0,
      window_start: null,
      window_end: null,
      ...over,
    });
    const rows = conditionedChanges({
      ref: 'r',
      offering_id: 'o',
      provider: 'bedrock',
      provider_model_id: 'claude',
      versions: [
        {
          service_tier: 'standard',
          region: 'eu-west-1',
          currency: 'USD',
          effective_from: '2026-01-01T00:00:00Z',
          changes: [change('input', null, '4.25'), change('output', '15', '15', { change: 'unchanged' })],
        },
        {
          service_tier: 'batch',
          region: '',
          currency: 'USD',
          effective_from: '2026-01-01T00:00:00Z',
          changes: [change('input', '1.5', '1.25', { prompt_tokens_above: 200000 })],
        },
      ] as never,
    });
    expect(rows.map((r) => [r.unit, r.condition, r.before, r.after])).toEqual([
      ['input', 'standard · eu-west-1', null, '4.25'],
      ['input', 'batch · prompt > 200,000 tokens', '1.5', '1.25'],
    ]);
    expect(tookText(2921)).toBe('2.9 s');
    expect(tookText(340)).toBe('340 ms');
  });
});
