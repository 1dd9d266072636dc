import { Module } from '@nestjs/common';
import { AuthModule } from '@mph/api-auth';
import { CatalogModule } from '@mph/api-catalog';
import { CoreModule } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import { PricingModule, SyncService } from '@mph/api-pricing';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { CostTrackingModule } from '../src';

@Module({})
class Root {}

const SHARED = join(__dirname, '../../../../../shared/data/genai-prices/data.v2.json');
const FEED = existsSync(SHARED) ? SHARED : join(__dirname, '../../pricing/test/fixtures/genai-prices.json');

describe('model matching through genai-prices match rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      root: (o) => ({
        module: Root,
        imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule, CostTrackingModule],
      }),
    });
    const run = await t.app.get(SyncService).runAdHoc({ adapter: 'genai-prices', file: FEED }, { trigger: 'cli' });
    expect(run.status).toBe('succeeded');
  });
  afterAll(() => t.close());

  const estimate = (provider: string, model: string) =>
    request(t.app.getHttpServer())
      .post('/api/v1/costs/estimate')
      .send({
        provider,
        model,
        usage: { input_tokens: 1_000_000, output_tokens: 0 },
        timestamp: '2026-01-01T10:00:00Z',
      });

  it('resolves an id only the feed’s rule knows (deepseek-chat-v3-0324 → deepseek-chat)', async () => {
    const res = await estimate('deepseek', 'deepseek-chat-v3-0324').expect(200);
    expect(res.body).toMatchObject({
      provider: 'deepseek',
      provider_model_id: 'deepseek-chat',
      price_source: 'adhoc:genai-prices',
    });
    // 10:00 UTC is inside genai-prices' 00:30–16:30 standard window: $0.27 per 1M input.
    expect(res.body.total).toBe('0.27');
  });

  it('prefers a direct offering id over a rule, and still says when nothing matches', async () => {
    const res = await estimate('openai', 'gpt-4o-2024-08-06').expect(200);
    expect(res.body.provider_model_id).toBe('gpt-4o');
    await estimate('deepseek', 'nothing-like-it').expect(404);
  });
});
