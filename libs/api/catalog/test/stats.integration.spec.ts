import { JobRunnerService } from '@mph/api-core';
import { TestApp } from '@mph/api-core/testing';
import { DataSource } from 'typeorm';
import { CatalogStatsService } from '../src';
import { catalogApp, http } from './kit';

describe('stats, trending, authors and compare', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await catalogApp({ env: { CATALOG_DEMO_SEED: 'true' } });
  });
  afterAll(() => t.close());

  it('counts the catalog by pipeline tag, library, license and relation', async () => {
    const res = await http(t).get('/api/v1/stats').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=300');
    expect(res.body.totals).toMatchObject({ vendors: 11, offerings: 18, authors: 14 });
    expect(res.body.totals.models).toBe(30);
    expect(res.body.by_relation).toEqual(
      expect.arrayContaining([
        { key: 'quantized', count: 3 },
        { key: 'adapter', count: 1 },
      ]),
    );
    expect(res.body.by_library[0]).toEqual({ key: 'transformers', count: expect.any(Number) });
    expect(res.body.by_license.find((l: { key: string }) => l.key === 'apache-2.0').count).toBeGreaterThanOrEqual(5);
  });

  it('computes trending scores from the growth since the oldest snapshot of the last 7 days (the job does it daily)', async () => {
    const ds = t.app.get(DataSource);
    const stats = t.app.get(CatalogStatsService);
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    await stats.refresh(threeDaysAgo);
    await ds.query(
      `UPDATE models SET likes = likes + 500, downloads = downloads + 1000 WHERE id = 'Qwen/Qwen2.5-7B-Instruct'`,
    );
    await ds.query(`UPDATE models SET likes = likes + 20 WHERE id = 'mistralai/Mistral-7B-v0.1'`);
    const outcome = await t.app.get(JobRunnerService).run('catalog-stats', { trigger: 'manual' });
    expect(outcome).toMatchObject({ status: 'succeeded' });
    const scores: { id: string; trending_score: number }[] = await ds.query(
      `SELECT id, trending_score FROM models WHERE id IN ('Qwen/Qwen2.5-7B-Instruct', 'mistralai/Mistral-7B-v0.1', 'openai/gpt-4o') ORDER BY id`,
    );
    expect(scores).toEqual([
      { id: 'Qwen/Qwen2.5-7B-Instruct', trending_score: 500 + Math.log(1001) },
      { id: 'mistralai/Mistral-7B-v0.1', trending_score: 20 },
      { id: 'openai/gpt-4o', trending_score: 0 },
    ]);
    const trending = await http(t).get('/api/v1/trending?limit=2').expect(200);
    expect(trending.body.data.map((m: { id: string }) => m.id)).toEqual([
      'Qwen/Qwen2.5-7B-Instruct',
      'mistralai/Mistral-7B-v0.1',
    ]);
    const filtered = await http(t).get('/api/v1/trending?pipeline_tag=text-generation&limit=1').expect(200);
    expect(filtered.body.data[0].id).toBe('Qwen/Qwen2.5-7B-Instruct');
    await http(t).get('/api/v1/trending?limit=0').expect(400);
  });

  it('serves author statistics from the materialized view', async () => {
    await t.app.get(CatalogStatsService).refresh(new Date());
    const res = await http(t).get('/api/v1/authors/meta-llama').expect(200);
    expect(res.body).toMatchObject({
      author: 'meta-llama',
      model_count: 5,
      top_models: expect.arrayContaining(['meta-llama/Llama-3.1-8B-Instruct']),
    });
    expect(res.body.top_models[0]).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(res.body.total_downloads).toBe(1_200_000 + 6_300_000 + 90_000 + 900_000 + 1_000_000);
    expect((await http(t).get('/api/v1/authors/nobody').expect(404)).body.error.code).toBe('AUTHOR_NOT_FOUND');
  });

  it('compares two to six models side by side', async () => {
    const res = await http(t)
      .get('/api/v1/models/compare?ids=openai/gpt-4o,anthropic/claude-sonnet-4.5,meta-llama/Llama-3.1-8B-Instruct')
      .expect(200);
    expect(res.body.data.map((m: { id: string; context_window: number }) => [m.id, m.context_window])).toEqual([
      ['openai/gpt-4o', 128000],
      ['anthropic/claude-sonnet-4.5', 200000],
      ['meta-llama/Llama-3.1-8B-Instruct', 131072],
    ]);
    expect(res.body.data[2].base_models[0].id).toBe('meta-llama/Llama-3.1-8B');
    await http(t).get('/api/v1/models/compare?ids=openai/gpt-4o').expect(400);
    await http(t).get('/api/v1/models/compare?ids=a/1,a/2,a/3,a/4,a/5,a/6,a/7').expect(400);
    await http(t).get('/api/v1/models/compare').expect(400);
    await http(t).get('/api/v1/models/compare?ids=openai/gpt-4o,nobody/nothing').expect(404);
  });
});
