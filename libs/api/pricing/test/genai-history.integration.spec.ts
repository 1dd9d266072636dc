import { Module } from '@nestjs/common';
import { AuthModule } from '@mph/api-auth';
import { CatalogModule } from '@mph/api-catalog';
import { CoreModule } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { PricingModule, SyncService } from '../src';

@Module({})
class Root {}

const SHARED = join(__dirname, '../../../../../shared/data/genai-prices/data.v2.json');
const FEED = existsSync(SHARED) ? SHARED : join(__dirname, 'fixtures/genai-prices.json');

describe('dated history from genai-prices', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      root: (o) => ({ module: Root, imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule] }),
    });
  });
  afterAll(() => t.close());

  const inputAt = async (at: string) => {
    const res = await request(t.app.getHttpServer())
      .get(`/api/v1/prices?provider=openai&model=openai/o3&service_tier=standard&at=${at}`)
      .expect(200);
    const price = res.body.data[0]?.price;
    return price?.components.find(
      (c: { unit: string; prompt_tokens_above: number }) => c.unit === 'input' && !c.prompt_tokens_above,
    )?.amount;
  };

  it('prices o3 at $10 before 2025-06-10 and $2 from then on, and a re-import changes nothing', async () => {
    const sync = t.app.get(SyncService);
    const first = await sync.runAdHoc({ adapter: 'genai-prices', file: FEED }, { trigger: 'cli' });
    expect(first.status).toBe('succeeded');
    expect(first.counts.versions_written).toBeGreaterThan(0);
    expect(await inputAt('2025-05-01T00:00:00Z')).toBe('10');
    expect(await inputAt('2025-06-09T23:59:59Z')).toBe('10');
    expect(await inputAt('2025-06-10T00:00:00Z')).toBe('2');
    expect(await inputAt('2026-01-01T00:00:00Z')).toBe('2');
    const history = await request(t.app.getHttpServer()).get('/api/v1/models/openai/o3/prices?at=2025-05-01T00:00:00Z');
    const openai = history.body.data.find((d: { offering: { provider: string } }) => d.offering.provider === 'openai');
    expect(openai.price).toMatchObject({
      source: 'adhoc:genai-prices',
      effective_from: '1970-01-01T00:00:00.000Z',
      effective_to: '2025-06-10T00:00:00.000Z',
    });
    const again = await sync.runAdHoc({ adapter: 'genai-prices', file: FEED }, { trigger: 'cli' });
    expect(again.counts).toMatchObject({ added: 0, changed: 0, versions_written: 0 });
  });
});
