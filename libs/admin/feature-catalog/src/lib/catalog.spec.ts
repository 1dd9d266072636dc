import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { AncestryDto, ModelDetailDto, ModelSummaryDto, OfferingPriceDto } from '@mph/admin-api-client';
import { provideIcons } from '@mph/admin-ui';
import { CatalogPage, modelLink, shortTokens } from './catalog-page';
import { ComparePage, COMPARE_ROWS } from './compare-page';
import { ancestorLevels, derivativeGroups, makerPrice, ModelPage } from './model-page';

const summary: ModelSummaryDto = {
  id: 'meta-llama/Llama-3.1-8B-Instruct',
  display_name: 'Llama 3.1 8B Instruct',
  author: 'meta-llama',
  creator_vendor: 'meta-llama',
  pipeline_tag: 'text-generation',
  library_name: 'transformers',
  license: 'llama3.1',
  context_window: 131072,
  open_weights: true,
  downloads: 6300000,
  likes: 6600,
  trending_score: 0,
  hf_created_at: null,
  tags: [],
  tool_calling: true,
  structured_output: null,
  reasoning: false,
  vision: false,
  provider_count: 2,
  cheapest: {
    input: '0.02',
    output: '0.05',
    currency: 'USD',
    provider: 'groq',
    provider_model_id: 'llama-3.1-8b-instant',
  },
};

const detail: ModelDetailDto = {
  ...summary,
  description: 'Instruction-tuned Llama.',
  max_output: null,
  input_modalities: ['text'],
  output_modalities: ['text'],
  tool_calling: true,
  structured_output: null,
  reasoning: false,
  vision: false,
  release_date: null,
  knowledge_cutoff: null,
  last_updated: null,
  deprecation_date: null,
  aliases: [],
  downloads_all_time: null,
  hf_last_modified: null,
  gated: null,
  private: false,
  sha: null,
  typed_tags: {
    license: ['llama3.1'],
    language: ['en'],
    framework: ['transformers'],
    region: [],
    arxiv: [],
    general: ['conversational'],
  },
  files: [{ name: 'model.safetensors', size: 1024, lfs: true }],
  datasets: ['acme/data'],
  base_models: [{ id: 'meta-llama/Llama-3.1-8B', relation: 'finetune', source: 'tag', known: true }],
  derivative_counts: { quantized: 2 },
  offerings: [
    {
      id: 'o1',
      provider: 'together',
      provider_model_id: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
      context_window: null,
      max_output: null,
      status: 'active',
      variant: null,
      aliases: [],
      identity_basis: 'feed',
      identity_reason: 'openrouter hugging_face_id meta-llama/Llama-3.1-8B-Instruct',
      identity_pinned: false,
    },
  ],
  capability_facts: [
    {
      field: 'tool_calling',
      source: 'models.dev',
      kind: 'models.dev',
      value: true,
      via: ['together'],
      since: '2026-01-01T00:00:00.000Z',
      decided_by: null,
      used: true,
    },
    {
      field: 'tool_calling',
      source: 'litellm',
      kind: 'litellm',
      value: false,
      via: ['together'],
      since: '2026-01-01T00:00:00.000Z',
      decided_by: null,
      used: false,
    },
    {
      field: 'vision',
      source: 'operator',
      kind: 'operator',
      value: false,
      via: [],
      since: '2026-01-01T00:00:00.000Z',
      decided_by: 'ops@example.com',
      used: true,
    },
  ],
};

const ancestry: AncestryDto = {
  model_id: detail.id,
  roots: ['meta-llama/Llama-3.1-8B'],
  edges: [
    {
      model_id: detail.id,
      base_model_id: 'meta-llama/Llama-3.1-8B',
      relation: 'finetune',
      source: 'tag',
      depth: 1,
      base_known: true,
    },
  ],
};

describe('catalog console', () => {
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideIcons(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'catalog', component: CatalogPage },
          { path: 'compare', component: ComparePage },
        ]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('links models by owner and name', () => {
    expect(modelLink('a/b')).toEqual(['/catalog/models', 'a', 'b']);
  });

  it('searches with the URL state and renders the results', async () => {
    await TestBed.inject(Router).navigateByUrl('/catalog?q=llama&open_weights=true&page=2&provider=groq');
    const fixture = TestBed.createComponent(CatalogPage);
    await fixture.whenStable();
    http.expectOne('/api/v1/stats').flush({
      by_pipeline_tag: [{ key: 'text-generation', count: 2 }],
      by_library: [],
      by_license: [],
      by_relation: [],
      totals: {},
    });
    http.expectOne('/api/v1/vendors').flush({
      data: [
        { slug: 'groq', name: 'Groq', kinds: ['provider'], homepage: null, model_count: 0, offering_count: 4 },
        { slug: 'maker', name: 'Maker', kinds: ['creator'], homepage: null, model_count: 2, offering_count: 0 },
      ],
      meta: { total: 0 },
    });
    expect(fixture.componentInstance.tasks()).toEqual(['text-generation']);
    expect(fixture.componentInstance.providers().map((v) => v.slug)).toEqual(['groq']);
    const req = http.expectOne((r) => r.url === '/api/v1/models');
    expect(req.request.params.get('provider')).toBe('groq');
    expect(req.request.params.get('q')).toBe('llama');
    expect(req.request.params.get('open_weights')).toBe('true');
    expect(req.request.params.get('page')).toBe('2');
    req.flush({ data: [summary], meta: { page: 2, per_page: 20, total: 21, total_estimated: false } });
    await fixture.whenStable();
    const text = (fixture.nativeElement as HTMLElement).textContent ?? '';
    expect(text).toContain('Llama 3.1 8B Instruct');
    expect(text).toContain('128K');
    // The cheapest offering's price, with the currency sign and the provider's name (not its slug).
    const price = (fixture.nativeElement as HTMLElement).querySelector(
      '[data-testid="price-meta-llama/Llama-3.1-8B-Instruct"]',
    )?.textContent;
    expect(price).toContain('$0.02');
    expect(price).toContain('$0.05');
    expect(price).toContain('Groq');
    expect(fixture.componentInstance.sort()).toBe('relevance');
    expect(fixture.componentInstance.flagOn('open_weights')).toBe(true);

    expect(fixture.componentInstance.activeFilters()).toEqual([
      { key: 'provider', label: 'Offered by', value: 'groq' },
    ]);
    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[data-testid="active-provider"]')?.textContent,
    ).toContain('Offered by: groq');
    fixture.componentInstance.setFilter('provider', null);
    await fixture.whenStable();
    http
      .expectOne((r) => r.url === '/api/v1/models' && !r.params.has('provider'))
      .flush({ data: [summary], meta: { page: 1, per_page: 20, total: 1, total_estimated: false } });

    fixture.componentInstance.setFlags(['open_weights', 'vision']);
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/catalog?q=llama&open_weights=true&vision=true');
    http
      .expectOne((r) => r.url === '/api/v1/models' && r.params.get('vision') === 'true')
      .flush({ data: [], meta: { page: 1, per_page: 20, total: 0, total_estimated: false } });
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('No models match.');
  });

  it('says so when the search fails', async () => {
    await TestBed.inject(Router).navigateByUrl('/catalog');
    const fixture = TestBed.createComponent(CatalogPage);
    await fixture.whenStable();
    // The filter options failing leaves the selects empty; the search still runs.
    http.expectOne('/api/v1/stats').flush(null, { status: 503, statusText: 'Unavailable' });
    http.expectOne('/api/v1/vendors').flush(null, { status: 503, statusText: 'Unavailable' });
    http
      .expectOne((r) => r.url === '/api/v1/models')
      .flush({ error: { code: 'X' } }, { status: 500, statusText: 'Error' });
    await fixture.whenStable();
    expect(fixture.componentInstance.error()).toContain('could not run');
    expect(fixture.componentInstance.sort()).toBe('downloads');
  });

  it('shows a model with capabilities, offerings and lineage', async () => {
    const fixture = TestBed.createComponent(ModelPage);
    fixture.componentRef.setInput('owner', 'meta-llama');
    fixture.componentRef.setInput('name', 'Llama-3.1-8B-Instruct');
    await fixture.whenStable();
    http.expectOne('/api/v1/models/meta-llama/Llama-3.1-8B-Instruct').flush(detail);
    http.expectOne('/api/v1/models/meta-llama/Llama-3.1-8B-Instruct/ancestry').flush(ancestry);
    http
      .expectOne((r) => r.url === '/api/v1/models/meta-llama/Llama-3.1-8B-Instruct/derivatives')
      .flush({
        data: [{ model_id: 'x/q', base_model_id: detail.id, relation: 'quantized', depth: 1, descendants: 0 }],
        meta: { page: 1, per_page: 100, total: 1 },
      });
    const price = (unit: string, amount: string) => ({
      unit,
      amount,
      per: '1M tokens',
      prompt_tokens_above: 0,
      window_start: null,
      window_end: null,
    });
    http.expectOne('/api/v1/models/meta-llama/Llama-3.1-8B-Instruct/prices').flush({
      model_id: detail.id,
      at: '2026-01-01T00:00:00.000Z',
      data: [
        {
          offering: detail.offerings[0],
          locked: false,
          input_plus_output: '0.36',
          price: {
            id: 'v1',
            offering_id: 'o1',
            service_tier: 'standard',
            region: '',
            effective_from: '2024-07-23T00:00:00.000Z',
            effective_to: null,
            recorded_at: '2024-07-23T00:00:00.000Z',
            source: 'demo',
            source_ref: null,
            currency: 'USD',
            reason: null,
            components: [price('input', '0.18'), price('output', '0.18')],
          },
        },
      ],
    });
    await fixture.whenStable();
    http.expectOne('/api/v1/vendors').flush({
      data: [
        {
          slug: 'together',
          name: 'Together AI',
          kinds: ['provider'],
          homepage: null,
          model_count: 0,
          offering_count: 1,
        },
      ],
      meta: { total: 1 },
    });
    // The rows' histories (sparklines, expanded prices), in one request.
    const histories = http.expectOne((r) => r.url === '/api/v1/prices/histories');
    expect(histories.request.params.get('offering_ids')).toBe('o1');
    histories.flush({
      data: [
        {
          offering_id: 'o1',
          model_id: detail.id,
          offering: detail.offerings[0],
          locked: false,
          data: [
            {
              id: 'v1',
              offering_id: 'o1',
              service_tier: 'batch',
              region: '',
              effective_from: '2024-07-23T00:00:00.000Z',
              effective_to: null,
              recorded_at: '2024-07-23T00:00:00.000Z',
              source: 'demo',
              source_ref: null,
              currency: 'USD',
              reason: null,
              components: [price('input', '0.09')],
            },
          ],
        },
      ],
    });
    // Cheaper equivalents: quantizations of it and of its base, and the base itself.
    const quants = http.match((r) => r.url === '/api/v1/models' && r.params.get('relation') === 'quantized');
    expect(quants.map((r) => r.request.params.get('base_model')).sort()).toEqual([
      'meta-llama/Llama-3.1-8B',
      'meta-llama/Llama-3.1-8B-Instruct',
    ]);
    quants[0].flush({
      data: [
        {
          ...summary,
          id: 'x/q',
          cheapest: { input: '0.01', output: '0.05', currency: 'USD', provider: 'groq', provider_model_id: 'q' },
        },
      ],
      meta: { page: 1, per_page: 5, total: 1, total_estimated: false },
    });
    quants[1].flush({ data: [], meta: { page: 1, per_page: 5, total: 0, total_estimated: false } });
    http
      .expectOne('/api/v1/models/meta-llama/Llama-3.1-8B')
      .flush({ ...detail, id: 'meta-llama/Llama-3.1-8B', cheapest: null });
    // The calculator prices the example usage at every priced offering, through the API's estimates (one request).
    const estimate = http.expectOne('/api/v1/costs/estimate/batch');
    expect(estimate.request.body).toEqual({
      items: [
        {
          provider: 'together',
          model: detail.offerings[0].provider_model_id,
          usage: { input_tokens: 10000, output_tokens: 1000 },
        },
      ],
    });
    estimate.flush({
      results: [{ index: 0, estimate: { total: '0.00198', currency: 'USD', tier: null }, error: null }],
    });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="capabilities"]')?.textContent).toContain('131,072 tokens');
    // Each capability says where it comes from; disagreeing feeds are flagged with what each says.
    const tools = el.querySelector('[data-testid="capability-tool_calling"]')?.textContent ?? '';
    expect(tools).toContain('yes');
    expect(tools).toContain('· models.dev (feeds differ)');
    expect(tools).toContain('models.dev: true · litellm: false');
    expect(el.querySelector('[data-testid="capability-vision"]')?.textContent).toContain('operator (ops@example.com)');
    expect(el.querySelector('[data-testid="capability-reasoning"] [data-testid="capability-source"]')).toBeNull();
    const row = el.querySelector('[data-testid="offering-together"]')?.textContent ?? '';
    expect(row).toContain('Together AI');
    expect(el.querySelector('[data-testid="price-together"]')?.textContent?.trim()).toBe('$0.18');
    expect(row).toContain('demo');
    expect(row).toContain('since 2024-07-23');
    (el.querySelector('[data-testid="expand-together"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    const expanded = el.querySelector('[data-testid="detail-together"]')?.textContent ?? '';
    expect(expanded).toContain('batch');
    expect(expanded).toContain('$0.09');
    expect(el.querySelector('[data-testid="calc-results"]')?.textContent).toContain('$0.00198');
    const equivalents = el.querySelector('[data-testid="equivalents"]')?.textContent ?? '';
    expect(equivalents).toContain('x/q');
    expect(equivalents).toContain('cheaper');
    expect(equivalents).not.toContain('meta-llama/Llama-3.1-8B ·');
    expect(el.querySelector('[data-testid="snippet"]')?.textContent).toContain(
      '/api/v1/models/meta-llama/Llama-3.1-8B-Instruct/prices',
    );
    const lineage = el.querySelector('[data-testid="lineage"]')?.textContent ?? '';
    expect(lineage).toContain('meta-llama/Llama-3.1-8B');
    expect(lineage).toContain('quantized (1)');
    expect(el.textContent).toContain('acme/data');
  });

  it('explains a missing model', async () => {
    const fixture = TestBed.createComponent(ModelPage);
    fixture.componentRef.setInput('owner', 'no');
    fixture.componentRef.setInput('name', 'pe');
    await fixture.whenStable();
    const model = http.expectOne('/api/v1/models/no/pe');
    const up = http.expectOne('/api/v1/models/no/pe/ancestry');
    const down = http.expectOne((r) => r.url === '/api/v1/models/no/pe/derivatives');
    const prices = http.expectOne('/api/v1/models/no/pe/prices');
    model.flush({ error: { code: 'MODEL_NOT_FOUND' } }, { status: 404, statusText: 'Not Found' });
    // The first failure cancels the other calls.
    expect([up.cancelled, down.cancelled, prices.cancelled]).toEqual([true, true, true]);
    http.expectOne('/api/v1/vendors').flush({ data: [], meta: { total: 0 } });
    await fixture.whenStable();
    expect(fixture.componentInstance.error()).toBe('There is no model no/pe in the catalog.');
  });

  it('compares models from the URL and builds the rows', async () => {
    const fixture = TestBed.createComponent(ComparePage);
    fixture.componentRef.setInput('ids', 'a/b,c/d');
    await fixture.whenStable();
    http
      .expectOne((r) => r.url === '/api/v1/models/compare' && r.params.get('ids') === 'a/b,c/d')
      .flush({
        data: [detail, { ...detail, id: 'c/d', display_name: 'Other', open_weights: null }],
        meta: { total: 0 },
      });
    await fixture.whenStable();
    const table =
      (fixture.nativeElement as HTMLElement).querySelector('[data-testid="compare-table"]')?.textContent ?? '';
    expect(table).toContain('Other');
    expect(table).toContain('128K tokens');
    expect(table).toContain('$0.02');
    expect(COMPARE_ROWS.find((r) => r[0] === 'Open weights')?.[1]({ ...detail, open_weights: null })).toBe('unknown');
    expect(COMPARE_ROWS.find((r) => r[0] === 'Cheapest input / 1M')?.[1]({ ...detail, cheapest: null })).toBe(
      'unknown',
    );
    for (const r of http.match((r) => r.url.endsWith('/prices'))) r.flush({ model_id: 'x', at: '', data: [] });
    fixture.componentInstance.add('x/y');
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/?ids=a%2Fb,c%2Fd,x%2Fy');
  });

  it('shows the API message when a comparison is refused', async () => {
    const fixture = TestBed.createComponent(ComparePage);
    fixture.componentRef.setInput('ids', 'a/b,x/y');
    await fixture.whenStable();
    http
      .expectOne((r) => r.url === '/api/v1/models/compare')
      .flush(
        { error: { code: 'MODEL_NOT_FOUND', message: 'No model "x/y" in the catalog.' } },
        { status: 404, statusText: 'Not Found' },
      );
    await fixture.whenStable();
    expect(fixture.componentInstance.error()).toBe('No model "x/y" in the catalog.');
  });

  it('groups lineage for display', () => {
    expect(ancestorLevels(null)).toEqual([]);
    expect(ancestorLevels(ancestry).map((l) => l.depth)).toEqual([1]);
    const groups = derivativeGroups([
      { model_id: 'a', base_model_id: 'x', relation: 'finetune', depth: 1, descendants: 0 },
      { model_id: 'b', base_model_id: 'x', relation: 'quantized', depth: 1, descendants: 0 },
      { model_id: 'c', base_model_id: 'x', relation: 'quantized', depth: 1, descendants: 0 },
    ]);
    expect(groups.map((g) => [g.relation, g.models.length])).toEqual([
      ['quantized', 2],
      ['finetune', 1],
    ]);
  });
});

describe('shortTokens', () => {
  it.each([
    [131072, '128K'],
    [128000, '128K'],
    [16384, '16K'],
    [200000, '200K'],
    [1048576, '1M'],
    [1000000, '1M'],
    [163840, '160K'],
    [8192, '8K'],
    [1500, '1.5K'],
    [512, '512'],
    [null, '—'],
  ])('%s → %s', (n, shown) => {
    expect(shortTokens(n)).toBe(shown);
  });
});

describe('makerPrice', () => {
  const offer = (provider: string, input: string, output: string): OfferingPriceDto => ({
    offering: {
      id: provider,
      provider,
      provider_model_id: 'm',
      context_window: null,
      max_output: null,
      status: 'active',
    },
    locked: false,
    input_plus_output: null,
    price: {
      id: provider,
      offering_id: provider,
      service_tier: 'standard',
      region: '',
      effective_from: '2025-01-01T00:00:00Z',
      effective_to: null,
      recorded_at: '2025-01-01T00:00:00Z',
      source: 'litellm',
      source_ref: null,
      currency: 'USD',
      reason: null,
      components: [
        {
          unit: 'input',
          amount: input,
          per: '1M tokens',
          prompt_tokens_above: 0,
          window_start: null,
          window_end: null,
        },
        {
          unit: 'output',
          amount: output,
          per: '1M tokens',
          prompt_tokens_above: 0,
          window_start: null,
          window_end: null,
        },
      ],
    },
  });
  const cheapest = { input: '0', output: '0', currency: 'USD', provider: 'github-models', provider_model_id: 'm' };

  it('shows the maker’s own price (creator vendor, else the author’s namesake) beside a cheaper reseller', () => {
    const prices = [offer('github-models', '0', '0'), offer('openai', '2.5', '10')];
    expect(makerPrice({ creator_vendor: null, author: 'openai', cheapest }, prices)).toEqual({
      provider: 'openai',
      input: '2.5',
      output: '10',
      currency: 'USD',
    });
    // Not when the maker is the cheapest already, nor when it does not sell the model.
    expect(
      makerPrice({ creator_vendor: 'openai', author: 'x', cheapest: { ...cheapest, provider: 'openai' } }, prices),
    ).toBeNull();
    expect(makerPrice({ creator_vendor: 'anthropic', author: 'anthropic', cheapest }, prices)).toBeNull();
  });
});
