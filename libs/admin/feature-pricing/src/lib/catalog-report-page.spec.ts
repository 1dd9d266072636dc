import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { CatalogReportDto } from '@mph/admin-api-client';
import { CatalogReportPage, countsLine } from './catalog-report-page';

const report = {
  generated_at: '2026-12-06T20:16:31.000Z',
  models: { live: 2232, with_offerings: 2220, merged: 14, by_source: [{ key: 'litellm', count: 1203 }] },
  offerings: {
    live: 7563,
    pinned: 0,
    by_basis: [
      { key: 'name', count: 4278 },
      { key: 'new', count: 2160 },
    ],
    with_variant: 151,
    with_aliases: 38,
    by_feeds: [
      { key: '1', count: 6516 },
      { key: '3+', count: 428 },
    ],
  },
  offerings_per_model: {
    buckets: [{ key: '20+', count: 78 }],
    top: [{ model_id: 'openai/gpt-oss-120b', offerings: 65, providers: 60 }],
  },
  unresolved: {
    total: 808,
    by_reason: [{ key: 'only this provider serves it', count: 490 }],
    sample: [
      {
        provider: '302ai',
        provider_model_id: 'gpt-5-thinking',
        model_id: 'openai/gpt-5-thinking',
        reason: 'looks like a variant of a served model: openai/gpt-5 plus a suffix no rule folds',
      },
    ],
  },
  ambiguous: { total: 0, sample: [] },
  held_prices: { held: 21, approved: 0, rejected: 0, superseded: 1 },
  capability_conflicts: {
    models: 448,
    by_field: [{ key: 'max_output', count: 232 }],
    sample: [
      {
        model_id: '01-ai/yi-large',
        field: 'max_output',
        values: [
          { source: 'litellm', value: 32768 },
          { source: 'models.dev', value: 4096 },
        ],
      },
    ],
  },
  price_disagreements: 235,
  sources: [{ source_id: 's1', name: 'litellm', adapter: 'litellm', last_success_at: null, stale: true }],
} as CatalogReportDto;

describe('Catalog report page', () => {
  it('shows the counts, the unresolved ids with their reason, and the conflicts', async () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])] });
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(CatalogReportPage);
    fixture.detectChanges();
    const req = http.expectOne((r) => r.url === '/api/v1/catalog-report');
    expect(req.request.params.get('sample')).toBe('20');
    req.flush(report);
    await fixture.whenStable();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const summary = el.querySelector('[data-testid="catalog-report"]')?.textContent ?? '';
    expect(summary).toContain('2,232 live');
    expect(summary).toContain('linked by: name 4,278 · new 2,160');
    expect(summary).toContain('21 waiting for review');
    expect(summary).toContain('litellm (stale)');
    expect(el.querySelector('[data-testid="unresolved"]')?.textContent).toContain(
      'looks like a variant of a served model: openai/gpt-5',
    );
    expect(el.querySelector('[data-testid="conflicts"]')?.textContent?.replace(/\s+/g, ' ')).toContain(
      'max_output: litellm 32768, models.dev 4096',
    );
    http.verify();
  });

  it('writes a breakdown on one line', () => {
    expect(countsLine([])).toBe('none');
    expect(
      countsLine([
        { key: 'a', count: 1200 },
        { key: 'b', count: 3 },
      ]),
    ).toBe('a 1,200 · b 3');
  });
});
