import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CatalogModule, HfImportService, HfPage, readHfFile } from '@mph/api-catalog';
import { CoreModule } from '@mph/api-core';
import { createTestApp, TestApp } from '@mph/api-core/testing';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PricingModule, PricingReadModel } from '../src';
import { FeedServer } from './feed-server';
import { IDENTITY_FACTS } from './identity-facts';

@Module({})
class Root {}

const SHARED = join(__dirname, '../../../../../shared/data');
const real = ['litellm', 'openrouter', 'genai-prices', 'models.dev'].every((d) => existsSync(join(SHARED, d)));

/**
 * Small feeds in the real formats, used when ../shared/data is absent: the same facts the real files hold for the
 * cases below (one model under many spellings, Azure's regional deployments, wandb's per-token slip).
 */
const mini = {
  litellm: {
    'gpt-4o': {
      litellm_provider: 'openai',
      mode: 'chat',
      input_cost_per_token: 2.5e-6,
      output_cost_per_token: 1e-5,
      supports_function_calling: true,
      supports_vision: true,
    },
    'azure/gpt-4o-2024-08-06': { litellm_provider: 'azure', input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5 },
    'azure/eu/gpt-4o-2024-08-06': {
      litellm_provider: 'azure',
      input_cost_per_token: 2.75e-6,
      output_cost_per_token: 1.1e-5,
    },
    'azure/global/gpt-4o-2024-08-06': {
      litellm_provider: 'azure',
      input_cost_per_token: 2.5e-6,
      output_cost_per_token: 1e-5,
    },
    'fireworks_ai/accounts/fireworks/models/gpt-oss-120b': {
      litellm_provider: 'fireworks_ai',
      input_cost_per_token: 1.5e-7,
      output_cost_per_token: 6e-7,
    },
    'fireworks_ai/gpt-oss-120b': {
      litellm_provider: 'fireworks_ai',
      input_cost_per_token: 1.5e-7,
      output_cost_per_token: 6e-7,
    },
    'cerebras/gpt-oss-120b': {
      litellm_provider: 'cerebras',
      input_cost_per_token: 2.5e-7,
      output_cost_per_token: 6.9e-7,
    },
    'groq/openai/gpt-oss-120b': {
      litellm_provider: 'groq',
      input_cost_per_token: 1.5e-7,
      output_cost_per_token: 7.5e-7,
    },
    'openai.gpt-oss-120b-1:0': {
      litellm_provider: 'bedrock_converse',
      input_cost_per_token: 1.5e-7,
      output_cost_per_token: 6e-7,
    },
    'deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct': {
      litellm_provider: 'deepinfra',
      input_cost_per_token: 3e-8,
      output_cost_per_token: 5e-8,
    },
    'nebius/meta-llama/Meta-Llama-3.1-8B-Instruct': {
      litellm_provider: 'nebius',
      input_cost_per_token: 2e-8,
      output_cost_per_token: 6e-8,
    },
    'novita/meta-llama/llama-3.1-8b-instruct': {
      litellm_provider: 'novita',
      input_cost_per_token: 2e-8,
      output_cost_per_token: 5e-8,
    },
    'wandb/meta-llama/Llama-3.1-8B-Instruct': {
      litellm_provider: 'wandb',
      input_cost_per_token: 0.022,
      output_cost_per_token: 0.022,
    },
  },
  openrouter: {
    data: [
      {
        id: 'openai/gpt-oss-120b',
        hugging_face_id: 'openai/gpt-oss-120b',
        name: 'OpenAI: gpt-oss-120b',
        context_length: 131072,
        architecture: { input_modalities: ['text'], output_modalities: ['text'] },
        supported_parameters: ['tools', 'reasoning'],
        pricing: { prompt: '0.00000005', completion: '0.00000025' },
      },
      {
        id: 'openai/gpt-4o',
        name: 'OpenAI: GPT-4o',
        context_length: 128000,
        architecture: { input_modalities: ['text', 'image', 'file'], output_modalities: ['text'] },
        supported_parameters: ['tools', 'response_format'],
        pricing: { prompt: '0.0000025', completion: '0.00001' },
      },
    ],
  },
  genai: [{ id: 'fireworks', models: [{ id: 'gpt-oss-120b', prices: { input_mtok: 0.15, output_mtok: 0.6 } }] }],
  modelsDev: {
    openai: {
      id: 'openai',
      models: {
        'gpt-4o': {
          id: 'gpt-4o',
          name: 'GPT-4o',
          release_date: '2024-05-13',
          last_updated: '2024-08-06',
          knowledge: '2023-09',
          tool_call: true,
          structured_output: true,
          reasoning: false,
          open_weights: false,
          cost: { input: 2.5, output: 10, cache_read: 1.25 },
          limit: { context: 128000, output: 16384 },
          modalities: { input: ['text', 'image', 'pdf'], output: ['text'] },
        },
      },
    },
    'fireworks-ai': {
      id: 'fireworks-ai',
      models: {
        'accounts/fireworks/models/gpt-oss-120b': {
          id: 'accounts/fireworks/models/gpt-oss-120b',
          name: 'GPT OSS 120B',
          cost: { input: 0.15, output: 0.6 },
          tool_call: true,
          open_weights: true,
        },
      },
    },
  },
};

const ENV = {
  SYNC_ALLOWED_HOSTS: '127.0.0.1',
  SYNC_RETRIES: '0',
  CATALOG_DEMO_SEED: 'false',
  JWT_SECRET: 'identity-test-secret-identity-test-secret-01234',
};

describe('one model, one identity: five feeds synced together', () => {
  let t: TestApp;
  let db: DataSource;
  let token = '';
  const feeds = new FeedServer();
  const runs: Record<string, { counts: Record<string, number>; status: string }> = {};

  const api = () => {
    const http = request(t.app.getHttpServer());
    return {
      get: (url: string) => http.get(url).set('Authorization', `Bearer ${token}`),
      post: (url: string, body: object = {}) => http.post(url).set('Authorization', `Bearer ${token}`).send(body),
    };
  };

  beforeAll(async () => {
    await feeds.start();
    const body = (path: string, fallback: unknown) =>
      real ? readFileSync(join(SHARED, path)) : Buffer.from(JSON.stringify(fallback));
    feeds.json('/litellm.json', body('litellm/model_prices_and_context_window.json', mini.litellm).toString('utf8'));
    feeds.json('/openrouter.json', body('openrouter/models.json', mini.openrouter).toString('utf8'));
    feeds.json('/genai.json', body('genai-prices/data.v2.json', mini.genai).toString('utf8'));
    const md = body('models.dev/providers-models.tar.gz', mini.modelsDev);
    feeds.routes.set('/models-dev', (_req, res) => res.end(md));
    t = await createTestApp({
      root: (o) => ({
        module: Root,
        imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule],
      }),
      env: ENV,
    });
    db = t.app.get(DataSource);
    await t.app
      .get(UsersService)
      .create(SYSTEM_ACTOR, { email: 'ops@identity.test', role: 'operator', password: 'operator-password-123' });
    token = (
      await request(t.app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ email: 'ops@identity.test', password: 'operator-password-123' })
    ).body.access_token;
    for (const [name, adapter, path] of [
      ['litellm', 'litellm', '/litellm.json'],
      ['openrouter', 'openrouter', '/openrouter.json'],
      ['genai-prices', 'genai-prices', '/genai.json'],
      ['models.dev', 'models.dev', '/models-dev'],
    ]) {
      const source = (
        await api()
          .post('/api/v1/sync/sources', { name, adapter, url: feeds.url(path) })
          .expect(201)
      ).body as { id: string };
      runs[name] = (await api().post(`/api/v1/sync/sources/${source.id}/run`, { wait: true }).expect(200)).body;
      expect(runs[name].status).toBe('succeeded');
    }
    // The fifth: Hugging Face repos (the seed file), whose repos adopt the models feeds made for their weights; then
    // every feed once more, as a schedule would (each now sees what the others linked).
    const hub = real
      ? readHfFile(join(SHARED, 'hf/hf-model-tree-seed.json'))
      : (async function* (): AsyncGenerator<HfPage> {
          yield {
            from: 'mini',
            records: [{ id: 'meta-llama/Llama-3.1-8B-Instruct', author: 'meta-llama', downloads: 5_000_000 }],
          };
        })();
    await t.app.get(HfImportService).import(hub);
    for (const { id } of await db.query(`SELECT id FROM sync_sources WHERE name = ANY($1) ORDER BY created_at`, [
      ['litellm', 'openrouter', 'genai-prices', 'models.dev'],
    ])) {
      expect((await api().post(`/api/v1/sync/sources/${id}/run`, { wait: true }).expect(200)).body.status).toBe(
        'succeeded',
      );
    }
  }, 180_000);
  afterAll(async () => {
    await t.close();
    await feeds.stop();
  });

  const offeringsOf = (model: string) =>
    db.query(
      `SELECT o.id, o.provider_slug, o.provider_model_id, o.variant, o.aliases, o.identity
         FROM offerings o WHERE o.model_id = $1 AND o.deleted_at IS NULL ORDER BY 2, 3`,
      [model],
    ) as Promise<
      {
        id: string;
        provider_slug: string;
        provider_model_id: string;
        variant: string | null;
        aliases: string[];
        identity: { basis: string; reason: string };
      }[]
    >;

  it('openai/gpt-4o is one model; Azure’s dated, regional and global deployments are its offering’s prices', async () => {
    const offerings = await offeringsOf('openai/gpt-4o');
    const azure = offerings.find((o) => o.provider_slug === 'azure' && o.provider_model_id === 'gpt-4o-2024-08-06');
    expect(azure).toBeDefined();
    const regions = (
      await db.query(`SELECT DISTINCT region FROM price_versions WHERE offering_id = $1 ORDER BY 1`, [azure?.id])
    ).map((r: { region: string }) => r.region);
    expect(regions).toEqual(expect.arrayContaining(['', 'eu', 'global']));
    expect(offerings.map((o) => o.provider_slug)).toEqual(expect.arrayContaining(['azure', 'openai', 'openrouter']));
    // No deployment became a model of its own.
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM models WHERE deleted_at IS NULL AND (id ~* '(^|/)(eu|us|global|global-standard)(/|--)' OR id ILIKE 'azure/%')`,
    );
    expect(
      await db.query(
        `SELECT id FROM models WHERE deleted_at IS NULL AND (id ~* '(^|/)(eu|us|global|global-standard)(/|--)' OR id ILIKE 'azure/%')`,
      ),
    ).toEqual([]);
    expect(n).toBe(0);
  });

  it('searching gpt-4o returns the GPT-4o family, not deployments', async () => {
    const res = await api().get('/api/v1/models?q=gpt-4o&per_page=100').expect(200);
    const ids = (res.body.data as { id: string }[]).map((m) => m.id);
    expect(ids[0]).toBe('openai/gpt-4o');
    expect(ids.every((id) => /gpt-4o/i.test(id))).toBe(true);
    expect(ids.filter((id) => /^(azure|eu|us|global)/.test(id) || /(eu|global-standard)--/.test(id))).toEqual([]);
    if (real) expect(ids.length).toBeLessThan(30);
  });

  it('openai/gpt-oss-120b is one model served by many providers; Fireworks is one offering seen by every feed', async () => {
    const offerings = await offeringsOf('openai/gpt-oss-120b');
    const providers = new Set(offerings.map((o) => o.provider_slug));
    expect(providers.size).toBeGreaterThanOrEqual(real ? 20 : 4);
    const fireworks = offerings.filter((o) => o.provider_slug === 'fireworks');
    expect(fireworks.map((o) => o.provider_model_id)).toEqual(['accounts/fireworks/models/gpt-oss-120b']);
    const seenBy = (
      await db.query(
        `SELECT s.name FROM sync_observations o JOIN sync_sources s ON s.id = o.source_id
          WHERE o.offering_id = $1 AND o.service_tier = 'standard' AND o.region = '' ORDER BY 1`,
        [fireworks[0].id],
      )
    ).map((r: { name: string }) => r.name);
    expect(seenBy).toEqual(['genai-prices', 'litellm', 'models.dev']);
    // Every offering says why it belongs here.
    for (const o of offerings) expect(o.identity.reason).toBeTruthy();
    // Either spelling finds that one offering, and genai-prices' own price for it is there (source=genai-prices).
    const prices = t.app.get(PricingReadModel);
    for (const spelling of ['gpt-oss-120b', 'accounts/fireworks/models/gpt-oss-120b']) {
      expect((await prices.resolve('fireworks', spelling)).offering_id).toBe(fireworks[0].id);
    }
    const genai = await prices.priceAt(fireworks[0].id, new Date(), { source: 'genai-prices' });
    expect(genai?.components).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ unit: 'input', amount: '0.15' }),
        expect.objectContaining({ unit: 'output', amount: '0.6' }),
      ]),
    );
  });

  it('holds wandb’s Llama 3.1 8B price (0.022 per token) for review, with the reason and the slip it looks like', async () => {
    expect(runs['litellm'].counts.held).toBeGreaterThanOrEqual(1);
    const held = await db.query(
      `SELECT h.unit, h.amount::text, h.kind, h.looks_like, h.reason, h.status, o.model_id
         FROM held_prices h JOIN offerings o ON o.id = h.offering_id
        WHERE o.provider_slug = 'wandb' AND o.provider_model_id = 'meta-llama/Llama-3.1-8B-Instruct'`,
    );
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ unit: 'input', amount: '22000', kind: 'median', status: 'held' });
    expect(held[0].looks_like).toMatch(/per-token price stated as per 1M/);
    expect(held[0].reason).toMatch(/is ×\d+ the median \([\d.]+\) of \d+ other offerings of /);
    // The slip was not published (what is, if anything, is another feed's sane price for the same offering).
    const published = await db.query(
      `SELECT c.amount::text AS amount, v.source FROM price_versions v JOIN offerings o ON o.id = v.offering_id
         JOIN price_components c ON c.version_id = v.id AND c.unit = 'input'
        WHERE o.provider_slug = 'wandb' AND o.provider_model_id = 'meta-llama/Llama-3.1-8B-Instruct'`,
    );
    expect(published.filter((p: { amount: string }) => Number(p.amount) > 1)).toEqual([]);
    if (real) expect(published).toEqual([{ amount: '0.22', source: 'models.dev' }]);
    expect((await offeringsOf(held[0].model_id)).length).toBeGreaterThanOrEqual(4);
  });

  it('openai/gpt-4o shows tool calling and vision from the feeds, each field saying which feed it comes from', async () => {
    const model = (await api().get('/api/v1/models/openai/gpt-4o').expect(200)).body;
    expect(model).toMatchObject({
      tool_calling: true,
      vision: true,
      structured_output: true,
      reasoning: false,
      open_weights: false,
      context_window: 128000,
      max_output: 16384,
      release_date: '2024-05-13',
      last_updated: '2024-08-06',
      knowledge_cutoff: '2023-09',
    });
    expect(model.input_modalities).toEqual(expect.arrayContaining(['text', 'image']));
    type Fact = { field: string; source: string; kind: string; value: unknown; used: boolean; via: string[] };
    const facts = model.capability_facts as Fact[];
    const used = (field: string) => facts.find((f) => f.field === field && f.used);
    // models.dev outranks OpenRouter and LiteLLM, which state the same fields too.
    expect(used('tool_calling')).toMatchObject({ source: 'models.dev', kind: 'models.dev', value: true });
    expect(used('vision')).toMatchObject({ source: 'models.dev', value: true, via: ['openai'] });
    expect(facts.filter((f) => f.field === 'tool_calling').map((f) => f.source)).toEqual(
      expect.arrayContaining(['models.dev', 'openrouter', 'litellm']),
    );
    // Exactly one used statement per field.
    const fields = new Set(facts.map((f) => f.field));
    for (const field of fields) expect(facts.filter((f) => f.field === field && f.used)).toHaveLength(1);
  });

  it("an operator's capability edit wins over every feed and survives their re-runs; clearing it hands back", async () => {
    const http = request(t.app.getHttpServer());
    const patch = (body: object) =>
      http.patch('/api/v1/models/openai/gpt-4o').set('Authorization', `Bearer ${token}`).send(body);
    // The whole form saved unchanged decides nothing; the changed field is pinned.
    const current = (await api().get('/api/v1/models/openai/gpt-4o').expect(200)).body;
    await patch({ display_name: current.display_name, tool_calling: true, vision: true, max_output: 4096 }).expect(200);
    const pinned = await db.query(
      `SELECT field, value, decided_by FROM model_capability_facts WHERE model_id = 'openai/gpt-4o' AND source = 'operator'`,
    );
    expect(pinned).toEqual([{ field: 'max_output', value: 4096, decided_by: 'ops@identity.test' }]);
    // models.dev runs again with its statements about gpt-4o rewritten: the model is resolved again, the pin stays.
    await db.query(`DELETE FROM model_capability_facts WHERE model_id = 'openai/gpt-4o' AND source = 'models.dev'`);
    await db.query(`DELETE FROM capability_fact_runs WHERE source = 'models.dev'`);
    const [md] = await db.query(`SELECT id FROM sync_sources WHERE name = 'models.dev'`);
    const run = (await api().post(`/api/v1/sync/sources/${md.id}/run`, { wait: true }).expect(200)).body;
    expect(run.status).toBe('succeeded');
    const after = (await api().get('/api/v1/models/openai/gpt-4o').expect(200)).body;
    expect(after.max_output).toBe(4096);
    expect(
      after.capability_facts.find((f: { field: string; used: boolean }) => f.field === 'max_output' && f.used),
    ).toMatchObject({ source: 'operator', decided_by: 'ops@identity.test' });
    const audit = await db.query(
      `SELECT before->>'max_output' AS before, after->>'max_output' AS after FROM audit_events
        WHERE action = 'model.updated' AND target_id = 'openai/gpt-4o'`,
    );
    expect(audit).toEqual([{ before: '16384', after: '4096' }]);
    // null gives the field back to the feeds.
    expect((await patch({ max_output: null }).expect(200)).body.max_output).toBe(16384);
  });

  it(`resolves the table of ${IDENTITY_FACTS.length} identity facts (feed id → offering and model)`, async () => {
    const rows: {
      name: string;
      feed_ref: string;
      provider_slug: string;
      provider_model_id: string;
      model_id: string;
    }[] = await db.query(
      `SELECT s.name, so.feed_ref, o.provider_slug, o.provider_model_id, o.model_id
           FROM sync_source_offerings so JOIN sync_sources s ON s.id = so.source_id
           JOIN offerings o ON o.id = so.offering_id
          WHERE so.missing_since IS NULL`,
    );
    const seen = new Map(rows.map((r) => [`${r.name}|${r.feed_ref}`, r]));
    const wrong: string[] = [];
    let checked = 0;
    for (const [source, ref, provider, providerModelId, model] of IDENTITY_FACTS) {
      const got = seen.get(`${source}|${ref}`);
      if (!got) {
        // The small fixtures hold only some of the real feeds' entries.
        if (real) wrong.push(`${source} ${ref}: not synced`);
        continue;
      }
      checked++;
      const actual = `${got.provider_slug} ${got.provider_model_id} → ${got.model_id}`;
      if (actual !== `${provider} ${providerModelId} → ${model}`) wrong.push(`${source} ${ref}: ${actual}`);
    }
    expect(wrong).toEqual([]);
    expect(IDENTITY_FACTS.length).toBeGreaterThanOrEqual(60);
    expect(checked).toBeGreaterThanOrEqual(real ? IDENTITY_FACTS.length : 8);
  });

  it('the catalog report counts models, offerings, links, feeds per offering, unresolved ids and held prices', async () => {
    const report = (await api().get('/api/v1/catalog-report?sample=5').expect(200)).body;
    const [{ models, offerings }] = await db.query(
      `SELECT (SELECT count(*)::int FROM models WHERE deleted_at IS NULL) AS models,
              (SELECT count(*)::int FROM offerings WHERE deleted_at IS NULL) AS offerings`,
    );
    expect(report.models.live).toBe(models);
    expect(report.offerings.live).toBe(offerings);
    const sum = (rows: { count: number }[]) => rows.reduce((s, r) => s + r.count, 0);
    expect(sum(report.offerings.by_basis)).toBe(offerings);
    expect(sum(report.offerings.by_feeds)).toBe(offerings);
    expect(report.offerings.by_feeds.find((b: { key: string }) => b.key === '3+').count).toBeGreaterThan(0);
    expect(sum(report.offerings_per_model.buckets)).toBe(report.models.with_offerings);
    expect(report.offerings_per_model.top[0]).toMatchObject({ model_id: expect.any(String) });
    if (real) expect(report.offerings_per_model.top[0].model_id).toBe('openai/gpt-oss-120b');
    expect(report.held_prices.held).toBeGreaterThanOrEqual(1);
    expect(sum(report.unresolved.by_reason)).toBe(report.unresolved.total);
    for (const u of report.unresolved.sample) expect(u.reason).toBeTruthy();
    expect(report.sources.map((s: { name: string }) => s.name)).toEqual(
      expect.arrayContaining(['genai-prices', 'litellm', 'models.dev', 'openrouter']),
    );
    await request(t.app.getHttpServer()).get('/api/v1/catalog-report').expect(401);
  });

  it('an unchanged re-run writes nothing and holds nothing twice', async () => {
    const [source] = await db.query(`SELECT id FROM sync_sources WHERE name = 'litellm'`);
    const rerun = async () =>
      (await api().post(`/api/v1/sync/sources/${source.id}/run`, { wait: true }).expect(200)).body;
    // The first re-run may still settle what the later feeds changed (an offering they linked to a better model, a
    // price held against peers that have since moved); the next one has nothing left to do.
    await rerun();
    const state = () =>
      db.query(
        `SELECT (SELECT count(*) FROM price_versions)::int AS v, (SELECT count(*) FROM offerings)::int AS o,
                (SELECT count(*) FROM models)::int AS m, (SELECT count(*) FROM held_prices)::int AS h,
                (SELECT max(updated_at) FROM offerings)::text AS touched, (SELECT max(updated_at) FROM models)::text AS mt`,
      );
    const before = await state();
    const again = await rerun();
    expect(again.counts).toMatchObject({ added: 0, changed: 0, versions_written: 0, offerings_created: 0 });
    expect(again.counts.offerings_moved ?? 0).toBe(0);
    expect(again.counts.models_created ?? 0).toBe(0);
    expect(await state()).toEqual(before);
  });
});
