import { Module } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CatalogModule, DemoSeedService } from '@mph/api-catalog';
import { CoreModule } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import { CostTrackingModule } from '@mph/api-cost-tracking';
import { DemoPricesSeedService, PricingModule } from '@mph/api-pricing';
import { ProvenanceModule } from '@mph/api-provenance';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { McpModule } from '../src';

@Module({})
class Root {}

describe('the MCP server at /mcp, driven by the official SDK client', () => {
  let t: TestApp;
  let base = '';
  let key = '';
  let token = '';
  let client: Client;

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const json = (r: CallToolResult) => {
    expect(r.isError).toBeFalsy();
    return JSON.parse((r.content[0] as { text: string }).text);
  };
  const rest = (path: string) => request(t.app.getHttpServer()).get(path).set('Authorization', `Bearer ${key}`);

  beforeAll(async () => {
    t = await createTestApp({
      root: (o) => ({
        module: Root,
        imports: [
          CoreModule.forRoot(o),
          AuthModule,
          CatalogModule,
          ProvenanceModule,
          PricingModule,
          CostTrackingModule,
          McpModule,
        ],
      }),
    });
    await t.app.get(DemoSeedService).seedIfEmpty();
    await t.app.get(DemoPricesSeedService).seedIfEmpty();
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await t.app
      .get(UsersService)
      .create(SYSTEM_ACTOR, { email: 'agent@mcp.test', role: 'member', password: 'agent-password-123' });
    const login = await request(server)
      .post('/api/v1/auth/login')
      .send({ email: 'agent@mcp.test', password: 'agent-password-123' });
    token = login.body.access_token;
    key = (
      await request(server)
        .post('/api/v1/api-keys')
        .set('Authorization', `Bearer ${login.body.access_token}`)
        .send({ name: 'agent', scopes: ['catalog:read'] })
        .expect(201)
    ).body.key;
    client = new Client({ name: 'mcp-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${key}` } },
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await t.close();
  });

  it('lists its seven read-only tools, each with a JSON schema and a description', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual([
      'cheapest_offering',
      'compare_models',
      'estimate_cost',
      'get_model',
      'get_prices',
      'model_lineage',
      'search_models',
    ]);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(30);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.annotations?.readOnlyHint).toBe(true);
    }
  });

  it('search_models answers what GET /api/v1/models answers', async () => {
    const mcp = json(await call('search_models', { query: 'llama', limit: 5 }));
    const api = (await rest('/api/v1/models?q=llama&per_page=5').expect(200)).body;
    expect(mcp.total).toBe(api.meta.total);
    expect(mcp.models.map((m: { id: string }) => m.id)).toEqual(api.data.map((m: { id: string }) => m.id));
    expect(mcp.models.length).toBeGreaterThan(0);
  });

  it('get_model and get_prices give the offerings and prices of the REST model and prices routes', async () => {
    const model = json(await call('get_model', { id: 'openai/gpt-4o-mini' }));
    const prices = (await rest('/api/v1/models/openai/gpt-4o-mini/prices').expect(200)).body;
    expect(model.offerings.map((o: { offering_id: string }) => o.offering_id)).toEqual(
      prices.data.map((p: { offering: { id: string } }) => p.offering.id),
    );
    const first = prices.data[0];
    const input = first.price.components.find(
      (c: { unit: string; prompt_tokens_above: number }) => c.unit === 'input' && !c.prompt_tokens_above,
    );
    expect(model.offerings[0].price_per_1m.input).toBe(input.amount);
    const viaTool = json(await call('get_prices', { offering_id: first.offering.id, history: true }));
    const history = (await rest(`/api/v1/offerings/${first.offering.id}/prices/history`).expect(200)).body;
    expect(viaTool.history.map((v: { id: string }) => v.id)).toEqual(
      (history.data ?? history).map((v: { id: string }) => v.id),
    );
    expect(viaTool.in_force.map((v: { id: string }) => v.id)).toContain(first.price.id);
  });

  it('estimate_cost prices tokens or a pasted response on every offering, cheapest first, as POST /costs/estimate does', async () => {
    const est = json(
      await call('estimate_cost', { model: 'openai/gpt-4o-mini', input_tokens: 1_000_000, output_tokens: 1_000_000 }),
    );
    expect(est.offerings.length).toBeGreaterThan(0);
    const o = est.offerings[0];
    const api = (
      await request(t.app.getHttpServer())
        .post('/api/v1/costs/estimate')
        .send({
          provider: o.provider,
          model: o.provider_model_id,
          usage: { input_tokens: 1_000_000, output_tokens: 1_000_000 },
        })
        .expect(200)
    ).body;
    expect(o.total).toBe(api.total);
    expect(o.breakdown).toEqual(api.breakdown);
    const totals = est.offerings.map((x: { total: string }) => Number(x.total));
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    const pasted = json(
      await call('estimate_cost', {
        model: 'openai/gpt-4o-mini',
        provider: 'openai',
        response: {
          id: 'x',
          object: 'chat.completion',
          model: 'gpt-4o-mini',
          choices: [],
          usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
        },
      }),
    );
    expect(pasted.usage).toMatchObject({ input_tokens: 1000, output_tokens: 500 });
  });

  it('compare_models, model_lineage and cheapest_offering answer from the catalog, lineage and prices', async () => {
    const cmp = json(await call('compare_models', { ids: ['openai/gpt-4o', 'openai/gpt-4o-mini'] }));
    expect(cmp.models.map((m: { id: string }) => m.id)).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini']);
    const lineage = json(await call('model_lineage', { model: 'unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit' }));
    const ancestry = (await rest('/api/v1/models/unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit/ancestry').expect(200))
      .body;
    expect(lineage.roots).toEqual(ancestry.roots);
    expect(lineage.ancestors).toContainEqual(
      expect.objectContaining({ base_model_id: 'meta-llama/Llama-3.1-8B-Instruct', relation: 'quantized' }),
    );
    const cheap = json(
      await call('cheapest_offering', {
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        input_tokens: 1000,
        output_tokens: 1000,
        include_derivatives: true,
      }),
    );
    expect(cheap.models_considered).toBeGreaterThan(1);
    expect(cheap.cheapest).toEqual(cheap.offerings[0]);
    for (const o of cheap.offerings) expect(Number(o.total)).toBeGreaterThanOrEqual(Number(cheap.cheapest.total));
  });

  it('reads a model card as the model://{id} resource', async () => {
    const res = await client.readResource({ uri: 'model://openai/gpt-4o-mini' });
    const card = JSON.parse((res.contents[0] as { text: string }).text);
    expect(card).toMatchObject({ id: 'openai/gpt-4o-mini', capabilities: expect.any(Object) });
  });

  it('answers bad arguments and unknown models with tool errors in clear text, and keeps serving', async () => {
    const unknown = await call('get_model', { id: 'nobody/no-such-model' });
    expect(unknown.isError).toBe(true);
    expect((unknown.content[0] as { text: string }).text).toMatch(/not found|no model/i);
    const bad = await call('estimate_cost', { model: 'openai/gpt-4o-mini', input_tokens: -5 });
    expect(bad.isError).toBe(true);
    expect((bad.content[0] as { text: string }).text).toMatch(/input_tokens/);
    const both = await call('get_prices', {
      model: 'openai/gpt-4o-mini',
      offering_id: '00000000-0000-4000-8000-000000000000',
    });
    expect(both.isError).toBe(true);
    expect((both.content[0] as { text: string }).text).toBe('Give either model or offering_id (not both).');
    expect(json(await call('search_models', { limit: 1 })).models).toHaveLength(1);
  });

  it('refuses callers without a key (401) and keys without a read scope (403)', async () => {
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const accept = 'application/json, text/event-stream';
    await request(t.app.getHttpServer()).post('/mcp').set('Accept', accept).send(body).expect(401);
    const gatewayOnly = (
      await request(t.app.getHttpServer())
        .post('/api/v1/api-keys')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'llm calls', scopes: ['gateway'] })
        .expect(201)
    ).body.key;
    // Its tools read the catalog and prices: a usage:read key (costs) is not enough either.
    const usageOnly = (
      await request(t.app.getHttpServer())
        .post('/api/v1/api-keys')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'cost reader', scopes: ['usage:read'] })
        .expect(201)
    ).body.key;
    for (const k of [gatewayOnly, usageOnly]) {
      const refused = await request(t.app.getHttpServer())
        .post('/mcp')
        .set('Accept', accept)
        .set('Authorization', `Bearer ${k}`)
        .send(body)
        .expect(403);
      expect(refused.body.error.message).toContain('catalog:read');
    }
    await request(t.app.getHttpServer()).get('/mcp').set('Authorization', `Bearer ${key}`).expect(405);
  });
});
