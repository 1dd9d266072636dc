import { Module } from '@nestjs/common';
import { AuthModule } from '@mph/api-auth';
import { CatalogModule } from '@mph/api-catalog';
import { CoreModule, DataChanges, DomainError } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import { Client } from 'pg';
import { OfferingMatch, PricingModule, PricingReadModel } from '../src';

@Module({})
class Root {}

const app = (database?: TestApp['db']) =>
  createTestApp({
    database,
    root: (o) => ({ module: Root, imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule] }),
  });

/**
 * The contract of the pricing read model, the one door for money questions: which offering a spelling names and why,
 * which price was in force at an instant / tier / region / source, and that a write by another instance is seen.
 */
describe('PricingReadModel', () => {
  let a: TestApp;
  let b: TestApp;
  let sql: Client;
  let ids: Record<string, string>;
  let model: PricingReadModel;

  const version = async (
    offering: string,
    from: string,
    to: string | null,
    input: string,
    extra: { tier?: string; region?: string; source?: string } = {},
  ) => {
    const [{ id }] = (
      await sql.query(
        `INSERT INTO price_versions (offering_id, service_tier, region, effective_from, effective_to, source)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text`,
        [offering, extra.tier ?? 'standard', extra.region ?? '', from, to, extra.source ?? 'manual'],
      )
    ).rows;
    await sql.query(
      `INSERT INTO price_components (version_id, unit, amount) VALUES ($1, 'input', $2), ($1, 'output', $3)`,
      [id, input, String(Number(input) * 4)],
    );
    return id as string;
  };

  beforeAll(async () => {
    a = await app();
    b = await app(a.db);
    sql = new Client({ connectionString: a.db.url });
    await sql.connect();
    await sql.query(`INSERT INTO vendors (slug, name) VALUES ('openai', 'OpenAI'), ('deepseek', 'DeepSeek')`);
    await sql.query(
      `INSERT INTO models (id, author, display_name, aliases) VALUES
         ('openai/gpt-4o', 'openai', 'GPT-4o', ARRAY['chatgpt-4o']),
         ('deepseek/deepseek-chat', 'deepseek', 'DeepSeek Chat', '{}')`,
    );
    const rows = (
      await sql.query(
        `INSERT INTO offerings (model_id, provider_slug, provider_model_id) VALUES
           ('openai/gpt-4o', 'openai', 'gpt-4o'), ('deepseek/deepseek-chat', 'deepseek', 'deepseek-chat')
         RETURNING id::text, provider_model_id`,
      )
    ).rows as { id: string; provider_model_id: string }[];
    ids = Object.fromEntries(rows.map((r) => [r.provider_model_id, r.id]));
    await sql.query(
      `INSERT INTO offering_match_rules (offering_id, source, provider_slug, position, rule)
       VALUES ($1, 'genai-prices', 'deepseek', 0, '{"starts_with": "deepseek-chat-v3"}')`,
      [ids['deepseek-chat']],
    );
    // gpt-4o: $5 until 2025-01-01, $2.50 since; a batch price; a European price since 2025.
    await version(ids['gpt-4o'], '2024-05-13T00:00:00Z', '2025-01-01T00:00:00Z', '5');
    await version(ids['gpt-4o'], '2025-01-01T00:00:00Z', null, '2.5');
    await version(ids['gpt-4o'], '2025-01-01T00:00:00Z', null, '1.25', { tier: 'batch' });
    await version(ids['gpt-4o'], '2025-01-01T00:00:00Z', null, '2.75', { region: 'eu' });
    const [{ id: source }] = (
      await sql.query(
        `INSERT INTO sync_sources (name, adapter, url) VALUES ('litellm', 'litellm', 'https://example.invalid/x.json')
         RETURNING id::text`,
      )
    ).rows;
    await sql.query(
      `INSERT INTO sync_observations (source_id, offering_id, service_tier, region, components, observed_at)
       VALUES ($1, $2, 'standard', '', '[{"unit":"input","amount":"2.4"},{"unit":"output","amount":"9.6"}]', now())`,
      [source, ids['gpt-4o']],
    );
    model = a.app.get(PricingReadModel);
  });
  afterAll(async () => {
    await sql.end();
    await b.close();
    await a.close();
  });

  describe('resolve: which offering, and why', () => {
    const reason = (m: OfferingMatch) => [m.provider_model_id, m.reason];

    it.each([
      ['openai', 'gpt-4o', 'gpt-4o', { via: 'provider_model_id', spelling: 'gpt-4o', normalized: false }],
      ['openai', 'GPT-4O', 'gpt-4o', { via: 'provider_model_id', spelling: 'GPT-4O', normalized: false }],
      ['openai', 'openai/gpt-4o', 'gpt-4o', { via: 'provider_model_id', spelling: 'gpt-4o', normalized: true }],
      ['openai', 'gpt-4o-2024-08-06', 'gpt-4o', { via: 'provider_model_id', spelling: 'gpt-4o', normalized: true }],
      ['openai', 'chatgpt-4o', 'gpt-4o', { via: 'alias', spelling: 'chatgpt-4o', normalized: false }],
      [
        'deepseek',
        'deepseek-chat-v3-0324',
        'deepseek-chat',
        { via: 'match_rule', spelling: 'deepseek-chat-v3-0324', normalized: false, rule_source: 'genai-prices' },
      ],
    ])('%s %s → %s', async (provider, spelling, offering, why) => {
      expect(reason(await model.resolve(provider, spelling))).toEqual([offering, why]);
    });

    it('names a catalog model id the provider offers as such, and accepts the feeds’ provider spellings', async () => {
      const m = await model.resolve('OpenAI', 'openai/gpt-4o');
      expect(m).toMatchObject({ offering_id: ids['gpt-4o'], model_id: 'openai/gpt-4o' });
      expect((await model.resolve('openai', 'openai/GPT-4o')).offering_id).toBe(ids['gpt-4o']);
    });

    it('refuses what matches nothing with 404 MODEL_NOT_MATCHED listing every spelling tried', async () => {
      const e = await model.resolveOrError('openai', 'gpt-9-2030-01-01');
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('MODEL_NOT_MATCHED');
      expect((e as DomainError).details).toMatchObject({ tried: ['gpt-9-2030-01-01', 'gpt-9'] });
      await expect(model.resolve('nobody', 'gpt-4o')).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('priceAt: the price in force', () => {
    const input = async (at: string, conditions = {}) =>
      (await model.priceAt(ids['gpt-4o'], new Date(at), conditions))?.components.find((c) => c.unit === 'input')
        ?.amount ?? null;

    it('takes the version whose [from, to) holds the instant: the boundary belongs to the new price', async () => {
      expect(await input('2024-12-31T23:59:59.999Z')).toBe('5');
      expect(await input('2025-01-01T00:00:00Z')).toBe('2.5');
      expect(await input('2024-01-01T00:00:00Z')).toBeNull(); // before any price: unknown, not free
    });

    it('keeps service tiers apart and lets a region’s own price win over the default one', async () => {
      expect(await input('2025-06-01T00:00:00Z', { serviceTier: 'batch' })).toBe('1.25');
      expect(await input('2025-06-01T00:00:00Z', { serviceTier: 'flex' })).toBeNull();
      expect(await input('2025-06-01T00:00:00Z', { region: 'eu' })).toBe('2.75');
      expect(await input('2025-06-01T00:00:00Z', { region: 'us' })).toBe('2.5'); // no US price: the default
      expect(await input('2024-06-01T00:00:00Z', { region: 'eu' })).toBe('5');
    });

    it('with a source, prices from that source’s latest report, and says unknown for a source that has none', async () => {
      const p = await model.priceAt(ids['gpt-4o'], new Date(), { source: 'litellm' });
      expect(p).toMatchObject({ source: 'litellm', version: null, currency: 'USD' });
      expect(p?.components).toContainEqual({ unit: 'input', amount: '2.4' });
      expect(await model.priceAt(ids['gpt-4o'], new Date(), { source: 'openrouter' })).toBeNull();
    });

    it('quotes a usage: match, price and exact cost in one answer; unknown prices are 422, never 0', async () => {
      const q = await model.quote({
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        usage: { input_tokens: 1_000_000, output_tokens: 500_000 },
        at: new Date('2024-06-01T00:00:00Z'),
      });
      expect(q.cost.total).toBe('15'); // 1M × $5 + 0.5M × $20
      expect(q.price.version?.effective_from).toBe('2024-05-13T00:00:00.000Z');
      await expect(
        model.quote({ provider: 'deepseek', model: 'deepseek-chat', usage: { input_tokens: 1, output_tokens: 1 } }),
      ).rejects.toMatchObject({ code: 'PRICE_UNKNOWN', status: 422 });
    });
  });

  it('sees a price written by another instance as soon as its change notification arrives', async () => {
    const at = new Date('2026-03-01T00:00:00Z');
    const other = b.app.get(PricingReadModel);
    expect((await model.priceAt(ids['gpt-4o'], at))?.components[0]).toMatchObject({ amount: '2.5' });
    expect((await other.priceAt(ids['gpt-4o'], at))?.components[0]).toMatchObject({ amount: '2.5' });
    const hits = model.hits;
    await model.priceAt(ids['gpt-4o'], at);
    expect(model.hits).toBe(hits + 1); // served from memory
    const heard = (x: TestApp) =>
      new Promise<void>((resolve) => {
        const off = x.app.get(DataChanges).subscribe((table) => {
          if (table !== 'price_versions') return;
          off();
          resolve();
        });
      });
    const both = Promise.all([heard(a), heard(b)]);
    // The correction comes from outside both apps (another instance, an operator's SQL): one transaction.
    await sql.query('BEGIN');
    await sql.query(
      `UPDATE price_versions SET effective_to = '2026-02-01T00:00:00Z'
                      WHERE offering_id = $1 AND service_tier = 'standard' AND region = '' AND effective_to IS NULL`,
      [ids['gpt-4o']],
    );
    await version(ids['gpt-4o'], '2026-02-01T00:00:00Z', null, '2');
    await sql.query('COMMIT');
    await both;
    expect((await model.priceAt(ids['gpt-4o'], at))?.components[0]).toMatchObject({ amount: '2' });
    expect((await other.priceAt(ids['gpt-4o'], at))?.components[0]).toMatchObject({ amount: '2' });
  });
});
