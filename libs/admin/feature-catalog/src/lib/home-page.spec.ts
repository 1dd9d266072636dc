import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { ModelSummaryDto, PriceVersionDto } from '@mph/admin-api-client';
import { basePrice, provideIcons } from '@mph/admin-ui';
import { CatalogPage } from './catalog-page';
import { HomePage } from './home-page';

const model: ModelSummaryDto = {
  id: 'openai/gpt-4o-mini',
  display_name: 'GPT-4o mini',
  author: 'openai',
  creator_vendor: 'openai',
  pipeline_tag: null,
  library_name: null,
  license: null,
  context_window: 128000,
  open_weights: false,
  downloads: 0,
  likes: 0,
  trending_score: 0,
  hf_created_at: null,
  tags: [],
  tool_calling: true,
  structured_output: true,
  reasoning: false,
  vision: true,
  provider_count: 3,
  cheapest: { input: '0.15', output: '0.6', currency: 'USD', provider: 'openai', provider_model_id: 'gpt-4o-mini' },
};

const version = (input: string, output: string, from: string): PriceVersionDto => ({
  id: `v-${input}`,
  offering_id: 'o1',
  service_tier: 'standard',
  region: '',
  effective_from: from,
  effective_to: null,
  recorded_at: from,
  source: 'litellm',
  source_ref: null,
  currency: 'USD',
  reason: null,
  components: [
    { unit: 'input', amount: input, per: '1M tokens', prompt_tokens_above: 0, window_start: null, window_end: null },
    {
      unit: 'input',
      amount: '99',
      per: '1M tokens',
      prompt_tokens_above: 200000,
      window_start: null,
      window_end: null,
    },
    { unit: 'output', amount: output, per: '1M tokens', prompt_tokens_above: 0, window_start: null, window_end: null },
  ],
});

describe('home page', () => {
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideIcons(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'catalog', component: CatalogPage }]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('reads a version’s base price, ignoring prompt tiers', () => {
    expect(basePrice(version('10', '40', '2025-01-01T00:00:00Z'), 'input')).toBe('10');
    expect(basePrice(version('10', '40', '2025-01-01T00:00:00Z'), 'cache_read')).toBeNull();
    expect(basePrice(null, 'input')).toBeNull();
  });

  it('shows the cheapest and most downloaded models with prices, the latest changes and the feeds', async () => {
    const fixture = TestBed.createComponent(HomePage);
    await fixture.whenStable();
    const cheap = http.expectOne((r) => r.url === '/api/v1/models' && r.params.get('sort') === 'price');
    expect(cheap.request.params.get('per_page')).toBe('8');
    cheap.flush({ data: [model], meta: { page: 1, per_page: 8, total: 1, total_estimated: false } });
    http
      .expectOne((r) => r.url === '/api/v1/models' && r.params.get('sort') === 'downloads')
      .flush({ data: [], meta: { page: 1, per_page: 8, total: 0, total_estimated: false } });
    http
      .expectOne((r) => r.url === '/api/v1/prices/recent-changes')
      .flush({
        data: [
          {
            model_id: 'openai/o3',
            offering: {
              id: 'o1',
              provider: 'openai',
              provider_model_id: 'o3',
              context_window: null,
              max_output: null,
              status: 'active',
            },
            previous: version('10', '40', '2025-01-01T00:00:00Z'),
            version: version('2', '8', '2025-06-10T00:00:00Z'),
          },
        ],
      });
    http.expectOne('/api/v1/prices/freshness').flush({
      data: [{ source_id: 's1', name: 'litellm', adapter: 'litellm', last_success_at: null, stale: true }],
    });
    http.expectOne('/api/v1/vendors').flush({
      data: [
        { slug: 'openai', name: 'OpenAI', kinds: ['provider'], homepage: null, model_count: 1, offering_count: 1 },
      ],
      meta: { total: 1 },
    });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const cheapest = el.querySelector('[data-testid="home-cheapest"]')?.textContent ?? '';
    expect(cheapest).toContain('GPT-4o mini');
    expect(cheapest).toContain('$0.15');
    expect(cheapest).toContain('$0.60');
    expect(cheapest).toContain('OpenAI');
    expect(el.querySelector('[data-testid="home-popular"]')?.textContent).toContain('The catalog is empty.');
    const changes = (el.querySelector('[data-testid="home-changes"]')?.textContent ?? '').replace(/\s+/g, ' ');
    expect(changes).toContain('openai/o3');
    expect(changes).toContain('input $10.00 → $2.00');
    expect(changes).toContain('output $40.00 → $8.00');
    const feeds = el.querySelector('[data-testid="home-feeds"]')?.textContent ?? '';
    expect(feeds).toContain('litellm');
    expect(feeds).toContain('never synced');
    expect(feeds).toContain('stale');
  });

  it('searches the catalog', async () => {
    const fixture = TestBed.createComponent(HomePage);
    http.match(() => true).forEach((r) => r.flush({ data: [], meta: {} }));
    fixture.componentInstance.query = ' llama 70b ';
    fixture.componentInstance.search();
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/catalog?q=llama%2070b');
    http
      .match(() => true)
      .forEach((r) => r.flush({ data: [], meta: { page: 1, per_page: 20, total: 0, total_estimated: false } }));
  });
});
