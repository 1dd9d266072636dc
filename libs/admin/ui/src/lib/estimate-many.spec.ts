import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { CostsService, EstimateBatchItemDto } from '@mph/admin-api-client';
import { estimateMany } from './estimate-many';

describe('estimateMany', () => {
  it('sends 100 items per request and answers in item order across requests', () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    const http = TestBed.inject(HttpTestingController);
    const items = Array.from({ length: 150 }, (_, i) => ({
      provider: 'p',
      model: `m${i}`,
      usage: { input_tokens: 1 },
    }));
    let answers: EstimateBatchItemDto[] = [];
    estimateMany(TestBed.inject(CostsService), items).subscribe((a) => (answers = a));
    const requests = http.match('/api/v1/costs/estimate/batch');
    expect(requests.map((r) => r.request.body.items.length)).toEqual([100, 50]);
    for (const r of requests) {
      r.flush({
        results: r.request.body.items.map((it: { model: string }, index: number) => ({
          index,
          estimate: { total: it.model.slice(1), currency: 'USD' },
          error: null,
        })),
      });
    }
    expect(answers).toHaveLength(150);
    expect(answers[120]).toMatchObject({ index: 120, estimate: { total: '120' } });
    http.verify();
  });
});
