import { Module } from '@nestjs/common';
import { AuthModule } from '@mph/api-auth';
import { CatalogModule, DemoSeedService } from '@mph/api-catalog';
import { CoreModule } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import { DemoPricesSeedService, PricingModule } from '@mph/api-pricing';
import request from 'supertest';
import { CostTrackingModule } from '../src';

@Module({})
class Root {}

describe('costs: estimate and extract (the engine as a service)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      root: (o) => ({
        module: Root,
        imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule, CostTrackingModule],
      }),
    });
    await t.app.get(DemoSeedService).seedIfEmpty();
    await t.app.get(DemoPricesSeedService).seedIfEmpty();
  });
  afterAll(() => t.close());

  const estimate = (body: object) => request(t.app.getHttpServer()).post('/api/v1/costs/estimate').send(body);
  const extract = (body: object) => request(t.app.getHttpServer()).post('/api/v1/costs/extract').send(body);
  const sonnetUsage = {
    input_tokens: 100_000,
    cache_write_5m_tokens: 10_000,
    cache_read_tokens: 80_000,
    output_tokens: 1000,
  };

  it('prices the README’s Claude Sonnet 4.5 case at $0.1065 from a dated model id', async () => {
    const res = await estimate({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      usage: sonnetUsage,
    }).expect(200);
    expect(res.body).toMatchObject({
      total: '0.1065',
      currency: 'USD',
      breakdown: { input: '0.03', cache_write: '0.0375', cache_read: '0.024', output: '0.015' },
      resolved_model: 'anthropic/claude-sonnet-4.5',
      provider: 'anthropic',
      provider_model_id: 'claude-sonnet-4-5',
      price_source: 'demo',
      tier: 0,
    });
    expect(res.body.price_version_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['openai', 'o3', '2025-05-20T12:00:00Z', undefined, '0.05'],
    ['openai', 'openai/o3-2025-04-16', '2025-06-10T00:00:00Z', undefined, '0.01'],
    ['openai', 'o3', '2025-07-01T00:00:00Z', 'flex', '0.005'],
  ])(
    'prices %s %s at %s (%s tier) at the price of the moment: $%s',
    async (provider, model, timestamp, tier, total) => {
      const res = await estimate({
        provider,
        model,
        timestamp,
        service_tier: tier,
        usage: { input_tokens: 1000, output_tokens: 1000 },
      }).expect(200);
      expect(res.body.total).toBe(total);
    },
  );

  it('accepts providers and model ids as feeds and SDKs spell them', async () => {
    const gemini = await estimate({
      provider: 'gemini',
      model: 'models/gemini-2.5-pro',
      usage: { input_tokens: 250_000, output_tokens: 2000 },
    }).expect(200);
    expect(gemini.body).toMatchObject({ total: '0.655', tier: 200000, provider: 'google' });
    const bedrock = await estimate({
      provider: 'aws',
      model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      usage: { input_tokens: 1_000_000, output_tokens: 0 },
    }).expect(200);
    expect(bedrock.body).toMatchObject({ provider: 'bedrock', total: '3' });
    const byAlias = await estimate({
      provider: 'openrouter',
      model: 'gpt-4o-mini',
      usage: { input_tokens: 1_000_000 },
    }).expect(200);
    expect(byAlias.body).toMatchObject({ provider_model_id: 'openai/gpt-4o-mini', total: '0.15' });
  });

  it('answers clearly when it cannot price', async () => {
    const unknownModel = await estimate({ provider: 'openai', model: 'gpt-9', usage: { input_tokens: 1 } }).expect(404);
    expect(unknownModel.body.error).toMatchObject({ code: 'MODEL_NOT_MATCHED' });
    const noTier = await estimate({
      provider: 'openai',
      model: 'o3',
      service_tier: 'priority',
      usage: { input_tokens: 1 },
    }).expect(422);
    expect(noTier.body.error.message).toContain('unknown, not zero');
    const early = await estimate({
      provider: 'openai',
      model: 'o3',
      timestamp: '2024-01-01T00:00:00Z',
      usage: { input_tokens: 1 },
    });
    expect(early.status).toBe(422);
    const noAudioRate = await estimate({
      provider: 'openai',
      model: 'o3',
      usage: { input_tokens: 10, requests: 1 },
    }).expect(422);
    expect(noAudioRate.body.error).toMatchObject({ code: 'PRICE_UNKNOWN', details: { units: ['request'] } });
    await estimate({ provider: 'openai', model: 'o3', usage: { input_tokens: -1 } }).expect(400);
    await estimate({ provider: 'openai', model: 'o3', usage: { prompt_tokens: 5 } }).expect(400);
    const parts = await estimate({
      provider: 'openai',
      model: 'o3',
      usage: { input_tokens: 5, input_audio_tokens: 9 },
    }).expect(400);
    expect(parts.body.error.message).toContain('cache reads and writes included');
    await estimate({ provider: 'openai', model: 'o3', usage: { input_tokens: 5 }, source: 'no-such-feed' }).expect(422);
  });

  it('prices many offerings in one request, each item answering as the single estimate would', async () => {
    const items = [
      { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', usage: sonnetUsage },
      { provider: 'openai', model: 'gpt-9', usage: { input_tokens: 1 } },
      { provider: 'openai', model: 'o3', service_tier: 'priority', usage: { input_tokens: 1 } },
    ];
    const res = await request(t.app.getHttpServer()).post('/api/v1/costs/estimate/batch').send({ items }).expect(200);
    const single = await estimate(items[0]).expect(200);
    expect(res.body.results[0]).toEqual({
      index: 0,
      estimate: { ...single.body, at: expect.any(String) },
      error: null,
    });
    expect(res.body.results[0].estimate.total).toBe('0.1065');
    expect(res.body.results[1]).toMatchObject({ index: 1, estimate: null, error: { code: 'MODEL_NOT_MATCHED' } });
    // Unknown is not free: an unpriced tier is an error, never a zero.
    expect(res.body.results[2].estimate).toBeNull();
    expect(res.body.results[2].error.message).toContain('unknown, not zero');
    const batch = (body: object) => request(t.app.getHttpServer()).post('/api/v1/costs/estimate/batch').send(body);
    await batch({ items: [] }).expect(400);
    await batch({ items: Array.from({ length: 101 }, () => items[0]) }).expect(400);
    const malformed = await batch({
      items: [items[0], { provider: 'openai', model: 'o3', usage: { input_tokens: -1 } }],
    });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body.error.details)).toContain('items.1');
  });

  it('extracts usage from a provider response and prices it with the model it names', async () => {
    const body = {
      id: 'msg_01',
      type: 'message',
      model: 'claude-sonnet-4-5-20250929',
      usage: {
        input_tokens: 10_000,
        cache_creation_input_tokens: 10_000,
        cache_read_input_tokens: 80_000,
        cache_creation: { ephemeral_5m_input_tokens: 10_000, ephemeral_1h_input_tokens: 0 },
        output_tokens: 1000,
      },
    };
    const res = await extract({ provider: 'anthropic', response: body }).expect(200);
    expect(res.body).toMatchObject({
      flavor: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      usage: sonnetUsage,
      cost_error: null,
    });
    expect(res.body.cost.total).toBe('0.1065');

    const stream =
      'data: {"object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":1000000,"completion_tokens":0}}\n\ndata: [DONE]\n\n';
    const sse = await extract({ provider: 'openai', response: stream }).expect(200);
    expect(sse.body).toMatchObject({ flavor: 'openai-chat', model: 'gpt-4o-mini', cost: { total: '0.15' } });

    // Without a provider, the one serving the model the response names (its creator first) prices it.
    const noProvider = await extract({ response: body }).expect(200);
    expect(noProvider.body).toMatchObject({ cost: { total: '0.1065', provider: 'anthropic' }, cost_error: null });

    // A gpt-4o response is priced as gpt-4o; asking for another model says so (both names in the answer).
    const gpt4o = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [],
      usage: { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 },
    };
    const served = await extract({ response: gpt4o }).expect(200);
    expect(served.body).toMatchObject({ model: 'gpt-4o-2024-08-06', response_model: 'gpt-4o-2024-08-06' });
    expect(served.body.cost).toMatchObject({ provider: 'openai', resolved_model: 'openai/gpt-4o', total: '12.5' });
    const asMini = await extract({ provider: 'openai', model: 'gpt-4o-mini', response: gpt4o }).expect(200);
    expect(asMini.body).toMatchObject({ model: 'gpt-4o-mini', response_model: 'gpt-4o-2024-08-06' });
    expect(asMini.body.cost.total).toBe('0.75');
    const bad = await extract({ provider: 'acme', response: { hello: 'world' } }).expect(422);
    expect(bad.body.error.code).toBe('EXTRACTION_FAILED');
    await extract({ provider: 'openai', api_flavor: 'soap', response: {} }).expect(400);
  });
});
