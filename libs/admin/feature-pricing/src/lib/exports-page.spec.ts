import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { ApiConfiguration } from '@mph/admin-api-client';
import { ExportsPage, exportUrl } from './exports-page';

describe('exports page', () => {
  it('links each export, at the start of a chosen day (UTC) when one is picked', async () => {
    expect(exportUrl('', '/api/v1/exports/prices.csv', '')).toBe('/api/v1/exports/prices.csv');
    expect(exportUrl('', '/api/v1/exports/prices.csv', '2026-01-15')).toBe(
      '/api/v1/exports/prices.csv?at=2026-01-15T00%3A00%3A00Z',
    );
    TestBed.configureTestingModule({
      providers: [
        provideNoopAnimations(),
        provideRouter([]),
        { provide: ApiConfiguration, useValue: Object.assign(new ApiConfiguration(), { rootUrl: '' }) },
      ],
    });
    const fixture = TestBed.createComponent(ExportsPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const link = (file: string) => el.querySelector(`[data-testid="export-${file}"]`) as HTMLAnchorElement;
    expect(link('litellm.json').getAttribute('href')).toBe('/api/v1/exports/litellm.json');
    expect(link('litellm.json').getAttribute('download')).toBe('litellm.json');
    expect(el.textContent).toContain('LITELLM_MODEL_COST_MAP_URL');
    fixture.componentInstance.day.set('2026-01-15');
    await fixture.whenStable();
    expect(link('openrouter-models.json').getAttribute('href')).toBe(
      '/api/v1/exports/openrouter-models.json?at=2026-01-15T00%3A00%3A00Z',
    );
  });
});
