import { TestApp } from '@mph/api-core/testing';
import { DataSource } from 'typeorm';
import { DemoSeedService } from '../src';
import { catalogApp, http } from './kit';

describe('catalog on the demo seed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await catalogApp({ env: { CATALOG_DEMO_SEED: 'true' } });
  });
  afterAll(() => t.close());

  const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((m) => m.id);
  const get = (url: string) => http(t).get(url);

  it('loads the demo catalog once, at the first start', async () => {
    const ds = t.app.get(DataSource);
    const [{ models, vendors, offerings, edges }] = await ds.query(
      `SELECT (SELECT count(*) FROM models)::int AS models, (SELECT count(*) FROM vendors)::int AS vendors,
              (SELECT count(*) FROM offerings)::int AS offerings, (SELECT count(*) FROM base_model_relations)::int AS edges`,
    );
    expect(models).toBeGreaterThanOrEqual(30);
    expect(vendors).toBe(11);
    expect(offerings).toBe(18);
    expect(edges).toBeGreaterThanOrEqual(18);
    expect(await t.app.get(DemoSeedService).seedIfEmpty()).toBe(false);
  });

  describe('GET /models search', () => {
    it('matches prefixes: "llam" finds Llama models', async () => {
      const res = await get('/api/v1/models?q=llam&per_page=50').expect(200);
      expect(ids(res).length).toBeGreaterThanOrEqual(8);
      expect(ids(res).every((id) => /llama/i.test(id))).toBe(true);
    });

    it('puts the exact id first', async () => {
      const res = await get('/api/v1/models?q=meta-llama/Llama-3.1-8B').expect(200);
      expect(ids(res)[0]).toBe('meta-llama/Llama-3.1-8B');
    });

    it('needs every word of a multi-word query, and ranks popular exact matches high', async () => {
      const res = await get('/api/v1/models?q=llama%208b%20instruct').expect(200);
      expect(ids(res)[0]).toBe('meta-llama/Llama-3.1-8B-Instruct');
      expect(ids(res)).not.toContain('meta-llama/Llama-3.1-8B');
      expect(ids(res)).not.toContain('meta-llama/Llama-3.3-70B-Instruct');
    });

    it('finds by name, author, description and alias words', async () => {
      expect(ids(await get('/api/v1/models?q=sonnet').expect(200))).toEqual(['anthropic/claude-sonnet-4.5']);
      expect(ids(await get('/api/v1/models?q=multimodal%20flagship').expect(200))).toEqual(['openai/gpt-4o']);
      expect(ids(await get('/api/v1/models?q=gpt-4o-2024-08-06').expect(200))[0]).toBe('openai/gpt-4o');
      expect((await get('/api/v1/models?q=zzzzzz').expect(200)).body).toMatchObject({ data: [], meta: { total: 0 } });
    });

    it.each([
      ['author=Qwen', (m: Model) => m.author === 'Qwen'],
      ['vendor=anthropic', (m: Model) => m.creator_vendor === 'anthropic'],
      ['pipeline_tag=text-generation', (m: Model) => m.pipeline_tag === 'text-generation'],
      ['library=peft', (m: Model) => m.library_name === 'peft'],
      ['license=apache-2.0', (m: Model) => m.license === 'apache-2.0'],
      ['tags=gguf,text-generation', (m: Model) => m.tags.includes('gguf') && m.tags.includes('text-generation')],
      ['open_weights=false', (m: Model) => m.open_weights === false],
      ['min_context=1000000', (m: Model) => (m.context_window ?? 0) >= 1_000_000],
    ])('filters by %s', async (filter, holds) => {
      const res = await get(`/api/v1/models?${filter}&per_page=100`).expect(200);
      expect(res.body.data.length).toBeGreaterThan(0);
      expect(res.body.data.every(holds)).toBe(true);
      expect(res.body.meta.total).toBe(res.body.data.length);
    });

    it('filters by provider, modalities, capability flags and lineage', async () => {
      expect(ids(await get('/api/v1/models?provider=bedrock').expect(200))).toEqual(['anthropic/claude-sonnet-4.5']);
      const audio = ids(await get('/api/v1/models?modality_in=audio').expect(200));
      expect(audio.sort()).toEqual(['google/gemini-2.5-flash', 'google/gemini-2.5-pro']);
      const reasoningTools = await get('/api/v1/models?reasoning=true&tool_calling=true&per_page=100').expect(200);
      expect(ids(reasoningTools)).toEqual(expect.arrayContaining(['openai/o3', 'anthropic/claude-sonnet-4.5']));
      expect(ids(reasoningTools)).not.toContain('openai/gpt-4o');
      const quants = ids(
        await get('/api/v1/models?base_model=meta-llama/Llama-3.1-8B-Instruct&relation=quantized').expect(200),
      );
      expect(quants.sort()).toEqual([
        'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF',
        'unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit',
      ]);
      const roots = ids(await get('/api/v1/models?has_base_model=false&author=meta-llama').expect(200));
      expect(roots.sort()).toEqual(['meta-llama/Llama-3.1-70B', 'meta-llama/Llama-3.1-8B']);
    });

    it('sorts by downloads, likes, created and context, and pages consistently', async () => {
      const byDownloads = (await get('/api/v1/models?sort=downloads&per_page=100').expect(200)).body.data as Model[];
      expect(byDownloads.map((m) => m.downloads)).toEqual(
        [...byDownloads.map((m) => m.downloads)].sort((a, b) => b - a),
      );
      const byContext = (await get('/api/v1/models?sort=context&per_page=3').expect(200)).body.data as Model[];
      expect(byContext[0].context_window).toBe(1048576);
      const byCreated = (await get('/api/v1/models?sort=created&per_page=1').expect(200)).body.data as Model[];
      expect(byCreated[0].id).toBe('deepseek-ai/DeepSeek-R1-Distill-Llama-8B');
      const likes = (await get('/api/v1/models?sort=likes&per_page=1').expect(200)).body.data as Model[];
      expect(likes[0].id).toBe('deepseek-ai/DeepSeek-R1');
      const all = ids(await get('/api/v1/models?per_page=100').expect(200));
      const pages: string[] = [];
      for (let page = 1; page <= Math.ceil(all.length / 7); page++)
        pages.push(...ids(await get(`/api/v1/models?per_page=7&page=${page}`).expect(200)));
      expect(pages).toEqual(all);
      const meta = (await get('/api/v1/models?per_page=7&page=2').expect(200)).body.meta;
      expect(meta).toEqual({
        page: 2,
        per_page: 7,
        total: all.length,
        total_estimated: false,
        next_cursor: expect.any(String),
      });
      const past = (await get('/api/v1/models?per_page=7&page=99').expect(200)).body;
      expect(past).toEqual({
        data: [],
        meta: { page: 99, per_page: 7, total: all.length, total_estimated: false, next_cursor: null },
      });
    });

    it('pages with a keyset cursor through every model exactly once, for each sort', async () => {
      const all = ids(await get('/api/v1/models?per_page=100').expect(200));
      for (const sort of ['downloads', 'likes', 'trending', 'created', 'updated', 'context']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let i = 0; i < 20; i++) {
          const res: { body: { data: { id: string }[]; meta: { next_cursor: string | null; total: number } } } =
            await get(`/api/v1/models?sort=${sort}&per_page=4${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
          // Every cursor page reports the total of the whole query, not what is left after the cursor.
          expect(res.body.meta.total).toBe(all.length);
          seen.push(...ids(res));
          cursor = res.body.meta.next_cursor;
          if (!cursor) break;
        }
        expect(seen).toHaveLength(all.length);
        expect(new Set(seen).size).toBe(all.length);
        const offsetPaged: string[] = [];
        for (let page = 1; page <= Math.ceil(all.length / 4); page++)
          offsetPaged.push(...ids(await get(`/api/v1/models?sort=${sort}&per_page=4&page=${page}`).expect(200)));
        expect(seen).toEqual(offsetPaged);
      }
      const relevance = await get('/api/v1/models?q=llama').expect(200);
      expect(relevance.body.meta.next_cursor).toBeNull();
      const downloads = await get('/api/v1/models?sort=downloads&per_page=2').expect(200);
      await get(`/api/v1/models?sort=likes&per_page=2&cursor=${downloads.body.meta.next_cursor}`).expect(400);
      await get(`/api/v1/models?q=llama&cursor=${downloads.body.meta.next_cursor}`).expect(400);
      await get('/api/v1/models?cursor=not*base64').expect(400);
      await get('/api/v1/models?cursor=bm9wZQ').expect(400);
    });

    it.each([
      'sort=relevance',
      'sort=random',
      'per_page=0',
      'per_page=101',
      'min_context=abc',
      'relation=finetune',
      'relation=cousin&base_model=x/y',
      'tool_calling=maybe',
      'modality_in=smell',
      'q=%2B%2B%2B',
      'unknown=1',
    ])('answers 400 in the envelope for %s', async (params) => {
      const res = await get(`/api/v1/models?${params}`).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /models/{id}', () => {
    it('serves ids with a slash, encoded or not, aliases, and any letter case', async () => {
      const plain = await get('/api/v1/models/anthropic/claude-sonnet-4.5').expect(200);
      const encoded = await get('/api/v1/models/anthropic%2Fclaude-sonnet-4.5').expect(200);
      expect(encoded.body).toEqual(plain.body);
      expect((await get('/api/v1/models/claude-sonnet-4-5').expect(200)).body.id).toBe('anthropic/claude-sonnet-4.5');
      expect((await get('/api/v1/models/META-LLAMA/llama-3.1-8b').expect(200)).body.id).toBe('meta-llama/Llama-3.1-8B');
      const missing = await get('/api/v1/models/nobody/nothing').expect(404);
      expect(missing.body.error).toEqual({
        code: 'MODEL_NOT_FOUND',
        message: 'No model "nobody/nothing" in the catalog.',
      });
      await get('/api/v1/models/a%2Fb%2Fc').expect(400);
    });

    it('has capabilities, offerings, typed tags, bases and derivative counts', async () => {
      const sonnet = (await get('/api/v1/models/anthropic/claude-sonnet-4.5').expect(200)).body;
      expect(sonnet).toMatchObject({
        context_window: 200000,
        max_output: 64000,
        tool_calling: true,
        reasoning: true,
        vision: true,
        open_weights: false,
      });
      expect(
        sonnet.offerings.map(
          (o: { provider: string; provider_model_id: string }) => `${o.provider}:${o.provider_model_id}`,
        ),
      ).toEqual([
        'anthropic:claude-sonnet-4-5',
        'bedrock:anthropic.claude-sonnet-4-5-20250929-v1:0',
        'openrouter:anthropic/claude-sonnet-4.5',
      ]);
      const instruct = (await get('/api/v1/models/meta-llama/Llama-3.1-8B-Instruct').expect(200)).body;
      expect(instruct.base_models).toEqual([
        { id: 'meta-llama/Llama-3.1-8B', relation: 'finetune', source: 'tag', known: true },
      ]);
      expect(instruct.derivative_counts).toEqual({ adapter: 1, quantized: 2 });
      expect(instruct.typed_tags).toMatchObject({
        license: ['llama3.1'],
        language: ['en', 'de', 'fr'],
        framework: ['transformers', 'safetensors'],
      });
      expect(instruct.typed_tags.general).toEqual(expect.arrayContaining(['llama', 'conversational']));
      const merge = (await get('/api/v1/models/mlabonne/Meta-Llama-3-120B-Instruct').expect(200)).body;
      expect(merge.base_models).toEqual([
        { id: 'meta-llama/Meta-Llama-3-70B-Instruct', relation: 'merge', source: 'inferred', known: false },
      ]);
    });
  });

  describe('lineage', () => {
    it('walks ancestors to the roots, across relations', async () => {
      const res = await get('/api/v1/models/deepseek-ai/DeepSeek-R1-Distill-Llama-70B/ancestry').expect(200);
      expect(res.body.edges.map((e: Edge) => [e.model_id, e.relation, e.base_model_id, e.depth])).toEqual([
        ['deepseek-ai/DeepSeek-R1-Distill-Llama-70B', 'finetune', 'meta-llama/Llama-3.3-70B-Instruct', 1],
        ['meta-llama/Llama-3.3-70B-Instruct', 'finetune', 'meta-llama/Llama-3.1-70B', 2],
      ]);
      expect(res.body.roots).toEqual(['meta-llama/Llama-3.1-70B']);
    });

    it('shows every parent of a merge, and merges of merges', async () => {
      const res = await get('/api/v1/models/Weyaxi%2FOpenHermes-2.5-neural-chat-v3-3-Slerp/ancestry').expect(200);
      expect(res.body.edges.map((e: Edge) => `${e.model_id} ${e.relation} ${e.base_model_id}`)).toEqual([
        'Weyaxi/OpenHermes-2.5-neural-chat-v3-3-Slerp merge Intel/neural-chat-7b-v3-3',
        'Weyaxi/OpenHermes-2.5-neural-chat-v3-3-Slerp merge teknium/OpenHermes-2.5-Mistral-7B',
        'Intel/neural-chat-7b-v3-3 finetune mistralai/Mistral-7B-v0.1',
        'teknium/OpenHermes-2.5-Mistral-7B finetune mistralai/Mistral-7B-v0.1',
      ]);
      expect(res.body.roots).toEqual(['mistralai/Mistral-7B-v0.1']);
    });

    it('lists derivatives by relation with descendant counts, deeper on request', async () => {
      const direct = await get('/api/v1/models/meta-llama/Llama-3.1-8B/derivatives').expect(200);
      expect(direct.body.data.map((d: Derivative) => [d.model_id, d.relation, d.descendants])).toEqual([
        ['deepseek-ai/DeepSeek-R1-Distill-Llama-8B', 'finetune', 0],
        ['meta-llama/Llama-3.1-8B-Instruct', 'finetune', 3],
      ]);
      const deep = await get('/api/v1/models/meta-llama/Llama-3.1-8B/derivatives?depth=2&per_page=2').expect(200);
      expect(deep.body.meta).toEqual({ page: 1, per_page: 2, total: 5 });
      const quants = await get(
        '/api/v1/models/meta-llama%2FLlama-3.1-8B-Instruct/derivatives?relation=quantized',
      ).expect(200);
      expect(quants.body.data.map((d: Derivative) => d.model_id)).toEqual([
        'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF',
        'unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit',
      ]);
      await get('/api/v1/models/meta-llama/Llama-3.1-8B/derivatives?depth=11').expect(400);
    });

    it('does not hang on a cycle in bad data', async () => {
      const ds = t.app.get(DataSource);
      await ds.query(
        `INSERT INTO base_model_relations (model_id, base_model_id, relation, source) VALUES ('meta-llama/Llama-3.1-8B', 'meta-llama/Llama-3.1-8B-Instruct', 'finetune', 'manual')`,
      );
      try {
        const up = await get('/api/v1/models/meta-llama/Llama-3.1-8B-Instruct/ancestry').expect(200);
        // The walk stops where it would revisit a model on its own path.
        expect(up.body.edges.map((e: Edge) => e.base_model_id)).toEqual(['meta-llama/Llama-3.1-8B']);
        const down = await get('/api/v1/models/meta-llama/Llama-3.1-8B/derivatives?depth=10&per_page=100').expect(200);
        expect(down.body.meta.total).toBe(5);
      } finally {
        await ds.query(`DELETE FROM base_model_relations WHERE model_id = 'meta-llama/Llama-3.1-8B'`);
      }
    });
  });

  it('lets caches keep public reads: Cache-Control, ETag and 304 on If-None-Match', async () => {
    const first = await get('/api/v1/models?q=llama&per_page=3').expect(200);
    expect(first.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=60');
    expect(first.headers['etag']).toMatch(/^W\/".+"$/);
    const again = await get('/api/v1/models?q=llama&per_page=3')
      .set('If-None-Match', first.headers['etag'])
      .expect(304);
    expect(again.text).toBe('');
    await get('/api/v1/models?q=llama&per_page=4').set('If-None-Match', first.headers['etag']).expect(200);
    const detail = await get('/api/v1/models/openai/gpt-4o').expect(200);
    await get('/api/v1/models/openai/gpt-4o').set('If-None-Match', detail.headers['etag']).expect(304);
  });

  it('lists vendors with their model and offering counts', async () => {
    const list = await get('/api/v1/vendors').expect(200);
    expect(list.body.data.find((v: { slug: string }) => v.slug === 'anthropic')).toEqual({
      slug: 'anthropic',
      name: 'Anthropic',
      homepage: 'https://www.anthropic.com',
      kinds: ['creator', 'provider'],
      model_count: 2,
      offering_count: 2,
    });
    expect((await get('/api/v1/vendors/openrouter').expect(200)).body).toMatchObject({
      kinds: ['aggregator'],
      model_count: 0,
      offering_count: 5,
    });
    expect((await get('/api/v1/vendors/nope').expect(404)).body.error.code).toBe('VENDOR_NOT_FOUND');
  });
});

interface Model {
  id: string;
  author: string;
  creator_vendor: string | null;
  pipeline_tag: string | null;
  library_name: string | null;
  license: string | null;
  context_window: number | null;
  open_weights: boolean | null;
  downloads: number;
  tags: string[];
}
interface Edge {
  model_id: string;
  base_model_id: string;
  relation: string;
  depth: number;
}
interface Derivative {
  model_id: string;
  relation: string;
  descendants: number;
}
