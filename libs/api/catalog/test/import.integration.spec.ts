import { TestApp } from '@mph/api-core/testing';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { hfPageGetter, HfImportService, readHfFile, readHfUrl } from '../src';
import { catalogApp, http } from './kit';

const SHARED_SEED = join(__dirname, '../../../../../shared/data/hf/hf-model-tree-seed.json');

/** The shared seed when it is beside the project; otherwise a fixture of the same shape (three of its records). */
function seed(): { models: Record<string, unknown>[]; edges_expected: [string, string, string][] } {
  if (existsSync(SHARED_SEED)) return JSON.parse(readFileSync(SHARED_SEED, 'utf8'));
  return {
    models: [
      { id: 'meta-llama/Llama-3.1-8B-Instruct', tags: ['base_model:finetune:meta-llama/Llama-3.1-8B'], downloads: 10 },
      {
        id: 'Q-bert/MetaMath-Cybertron',
        cardData: { base_model: ['fblgit/una-cybertron-7b-v2-bf16', 'meta-math/MetaMath-Mistral-7B'] },
      },
      { id: 'bartowski/Replete-LLM-Qwen2-7b-exl2', cardData: { base_model: 'Replete-AI/Replete-LLM-Qwen2-7b' } },
    ],
    edges_expected: [
      ['meta-llama/Llama-3.1-8B-Instruct', 'finetune', 'meta-llama/Llama-3.1-8B'],
      ['Q-bert/MetaMath-Cybertron', 'merge', 'fblgit/una-cybertron-7b-v2-bf16'],
      ['Q-bert/MetaMath-Cybertron', 'merge', 'meta-math/MetaMath-Mistral-7B'],
      ['bartowski/Replete-LLM-Qwen2-7b-exl2', 'quantized', 'Replete-AI/Replete-LLM-Qwen2-7b'],
    ],
  };
}

describe('Hugging Face import', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'mph-hf-'));
  beforeAll(async () => {
    t = await catalogApp();
  });
  afterAll(() => t.close());

  it('imports the seed with every lineage edge its metadata states, and a second run changes nothing', async () => {
    const data = seed();
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify(data));
    const importer = t.app.get(HfImportService);
    const progress: number[] = [];
    const first = await importer.import(readHfFile(file), (c) => progress.push(c.records));
    expect(first.counts).toMatchObject({
      records: data.models.length,
      created: data.models.length,
      updated: 0,
      unchanged: 0,
      skipped: 0,
    });
    expect(progress).toEqual([data.models.length]);

    const ds = t.app.get(DataSource);
    const edges: { model_id: string; relation: string; base_model_id: string }[] = await ds.query(
      `SELECT model_id, relation, base_model_id FROM base_model_relations`,
    );
    const found = new Set(edges.map((e) => `${e.model_id} ${e.relation} ${e.base_model_id}`));
    const stated = data.models.filter(
      (m) =>
        ((m['tags'] as string[] | undefined) ?? []).some((x) => x.startsWith('base_model:')) ||
        (m['cardData'] as { base_model?: unknown } | undefined)?.base_model,
    );
    const expected = data.edges_expected
      .filter(([child]) => stated.some((m) => m['id'] === child))
      .map((e) => e.join(' '));
    expect(expected.filter((e) => !found.has(e))).toEqual([]);

    const second = await importer.import(readHfFile(file));
    expect(second.counts).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: data.models.length,
      edges_written: 0,
      edges_removed: 0,
    });
  });

  it('updates what changed, drops edges the Hub no longer states, and keeps manual ones', async () => {
    const importer = t.app.get(HfImportService);
    const ds = t.app.get(DataSource);
    const file = join(dir, 'one.ndjson');
    writeFileSync(
      file,
      JSON.stringify({ id: 'acme/tuned', downloads: 5, cardData: { base_model: 'acme/base' }, datasets: [] }) + '\n',
    );
    await importer.import(readHfFile(file));
    await ds.query(`INSERT INTO base_model_relations VALUES ('acme/tuned', 'acme/other', 'adapter', 'manual')`);
    writeFileSync(file, JSON.stringify({ id: 'acme/tuned', downloads: 9, tags: ['dataset:acme/data'] }) + '\n');
    const res = await importer.import(readHfFile(file));
    expect(res.counts).toMatchObject({ created: 0, updated: 1, edges_removed: 1 });
    expect(
      await ds.query(`SELECT base_model_id, source FROM base_model_relations WHERE model_id = 'acme/tuned'`),
    ).toEqual([{ base_model_id: 'acme/other', source: 'manual' }]);
    expect(await ds.query(`SELECT dataset_id FROM dataset_relations WHERE model_id = 'acme/tuned'`)).toEqual([
      { dataset_id: 'acme/data' },
    ]);
    const [{ downloads }] = await ds.query(`SELECT downloads::int FROM models WHERE id = 'acme/tuned'`);
    expect(downloads).toBe(9);
  });

  it('skips records without a valid id and says why', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify([{ id: 'ok/model' }, { id: '../../etc/passwd' }, { nothing: true }, { id: 'ok/model' }]),
    );
    const res = await t.app.get(HfImportService).import(readHfFile(file));
    expect(res.counts).toMatchObject({ records: 4, skipped: 2 });
    expect(res.problems).toEqual([`${file}: not a model id: "../../etc/passwd"`, `${file}: not a model id: null`]);
  });

  it('follows the Hub API pages through Link headers', async () => {
    const pages: Record<string, { body: unknown; next?: string }> = {
      '/api/models?limit=2': {
        body: [
          { id: 'hub/a', downloads: 3 },
          { id: 'hub/b', tags: ['base_model:quantized:hub/a'] },
        ],
        next: '/api/models?limit=2&cursor=x',
      },
      '/api/models?limit=2&cursor=x': { body: [{ id: 'hub/c', cardData: { base_model: ['hub/a', 'hub/b'] } }] },
    };
    let served = 0;
    const server: Server = createServer((req, res) => {
      served++;
      const page = pages[req.url ?? ''];
      if (!page) {
        res.writeHead(404).end();
        return;
      }
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      res.writeHead(200, {
        'Content-Type': 'application/json',
        ...(page.next ? { Link: `<${base}${page.next}>; rel="next"` } : {}),
      });
      res.end(JSON.stringify(page.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/models?limit=2`;
      const feed = { timeoutMs: 5000, maxBytes: 1 << 20, retries: 0 };
      const getPage = hfPageGetter({ ...feed, allowedHosts: ['127.0.0.1'] });
      const res = await t.app.get(HfImportService).import(readHfUrl(url, { getPage }));
      expect(res.counts).toMatchObject({ records: 3, created: 3 });
      const lineage = await http(t).get('/api/v1/models/hub/c/ancestry').expect(200);
      expect(
        lineage.body.edges.map(
          (e: { model_id: string; relation: string; base_model_id: string }) =>
            `${e.model_id} ${e.relation} ${e.base_model_id}`,
        ),
      ).toEqual(['hub/c merge hub/a', 'hub/c merge hub/b', 'hub/b quantized hub/a']);
      const missing = readHfUrl(url.replace('limit=2', 'limit=9'), { getPage });
      await expect(t.app.get(HfImportService).import(missing)).rejects.toThrow(/HTTP 404/);
      // Without the allow-list the loopback server is never reached.
      served = 0;
      const guarded = readHfUrl(url, { getPage: hfPageGetter({ ...feed, allowedHosts: [] }) });
      await expect(t.app.get(HfImportService).import(guarded)).rejects.toThrow(/SYNC_ALLOWED_HOSTS/);
      expect(served).toBe(0);
    } finally {
      server.close();
    }
  });
});
