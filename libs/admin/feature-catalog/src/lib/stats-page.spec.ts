import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { StatsPage } from './stats-page';

describe('StatsPage', () => {
  let http: HttpTestingController;
  beforeEach(() => {
    // jsdom cannot draw on a canvas; the chart then shows only its data table, which is what these tests read.
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    TestBed.configureTestingModule({
      imports: [StatsPage],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('shows totals, a chart per breakdown with its numbers as a table, and trending models', async () => {
    const fixture = TestBed.createComponent(StatsPage);
    await fixture.whenStable();
    http.expectOne('/api/v1/stats').flush({
      totals: { models: 30, vendors: 11, offerings: 18, authors: 12, base_model_relations: 21 },
      by_pipeline_tag: [{ key: 'text-generation', count: 20 }],
      by_library: [
        { key: 'transformers', count: 18 },
        { key: 'peft', count: 1 },
      ],
      by_license: [],
      by_relation: [{ key: 'finetune', count: 12 }],
    });
    http
      .expectOne((r) => r.url === '/api/v1/trending' && r.params.get('limit') === '10')
      .flush({
        data: [
          { id: 'Qwen/Qwen2.5-7B-Instruct', display_name: 'Qwen2.5 7B Instruct', trending_score: 506.9 },
          { id: 'a/flat', display_name: 'Flat', trending_score: 0 },
        ],
        meta: { total: 0 },
      });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="totals"]')?.textContent).toContain('30');
    const libraries = el.querySelector('[data-testid="chart-data-Models by library"]')?.textContent ?? '';
    expect(libraries).toContain('transformers');
    expect(libraries).toContain('18');
    expect(el.querySelectorAll('mph-bar-chart')).toHaveLength(4);
    expect(el.querySelector('[data-testid="trending"]')?.textContent).toContain('score 506.9');
    expect(el.querySelector('[data-testid="trending"]')?.textContent).not.toContain('Flat');
  });

  it('says so when statistics cannot load', async () => {
    const fixture = TestBed.createComponent(StatsPage);
    await fixture.whenStable();
    http.expectOne('/api/v1/stats').flush({}, { status: 500, statusText: 'Error' });
    http.expectOne((r) => r.url === '/api/v1/trending');
    await fixture.whenStable();
    expect(fixture.componentInstance.error()).toBe('Statistics could not be loaded; try again.');
  });

  it('says nothing is trending in a sentence, not as a numbered item', async () => {
    const fixture = TestBed.createComponent(StatsPage);
    await fixture.whenStable();
    http.expectOne('/api/v1/stats').flush({
      totals: { models: 1, vendors: 1, offerings: 0, authors: 1, base_model_relations: 0 },
      by_pipeline_tag: [],
      by_library: [],
      by_license: [],
      by_relation: [],
    });
    http.expectOne((r) => r.url === '/api/v1/trending').flush({ data: [], meta: { total: 0 } });
    await fixture.whenStable();
    const empty = (fixture.nativeElement as HTMLElement).querySelector('[data-testid="trending"]');
    expect(empty?.tagName).toBe('P');
    expect(empty?.textContent).toContain('Nothing trending yet');
  });
});
