// npm run bench:data -- --models 1000000 [--database-url postgres://...]
// Loads synthetic Hugging Face-like models into a migrated database (DATABASE_URL by default): realistic author and
// name distributions, power-law downloads and likes, lineage forests with all four relations (merges with 2-3
// parents), and one hub model with 10,000 descendants for the lineage benchmark. Prints progress and timings.
import pg from 'pg';
import { seededRandom } from './lib.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const total = Number(arg('models', '1000000'));
const url = arg('database-url', process.env.DATABASE_URL);
if (!url) {
  console.error('Give --database-url or set DATABASE_URL (a database migrated by the app: npm run cli -- migrate).');
  process.exit(2);
}

// Deterministic pseudo-random numbers, so runs are comparable.
const rand = seededRandom(42);
const pick = (list) => list[Math.floor(rand() * list.length)];
/** Zipf-like pick: low indexes far more often. */
const zipf = (n) => Math.min(n - 1, Math.floor(Math.pow(n, rand()) - 1));

const FAMILIES = [
  'llama',
  'qwen',
  'mistral',
  'gemma',
  'phi',
  'deepseek',
  'falcon',
  'bert',
  't5',
  'gpt2',
  'stablelm',
  'olmo',
  'yi',
  'internlm',
  'mixtral',
  'smollm',
  'granite',
  'command',
];
const SIZES = ['0.5b', '1b', '1.5b', '3b', '7b', '8b', '13b', '14b', '32b', '70b'];
const FINETUNE = ['instruct', 'chat', 'sft', 'dpo', 'code', 'math', 'uncensored', 'roleplay', 'medical', 'legal', 'it'];
const QUANT = ['GGUF', 'AWQ', 'GPTQ', 'exl2', 'bnb-4bit', 'mlx-4bit', 'fp8'];
const PIPELINES = [
  'text-generation',
  'text-generation',
  'text-generation',
  'text-classification',
  'feature-extraction',
  'image-text-to-text',
  'automatic-speech-recognition',
  'text-to-image',
  'translation',
  'sentence-similarity',
];
const LIBRARIES = [
  'transformers',
  'transformers',
  'transformers',
  'peft',
  'gguf',
  'diffusers',
  'sentence-transformers',
  'mlx',
];
const LICENSES = ['apache-2.0', 'mit', 'llama3.1', 'other', 'cc-by-nc-4.0', 'gemma', 'openrail'];
const LANGS = ['en', 'zh', 'fr', 'de', 'es', 'ja', 'ko', 'ru'];
const AUTHORS = Array.from({ length: 20000 }, (_, i) =>
  i < 30
    ? [
        'meta-llama',
        'Qwen',
        'mistralai',
        'google',
        'microsoft',
        'bartowski',
        'TheBloke',
        'unsloth',
        'mradermacher',
        'mlabonne',
      ][i % 10] + (i >= 10 ? `-${i}` : '')
    : `user${i}`,
);

const client = new pg.Client({ connectionString: url });
await client.connect();
const [{ n: existing }] = (await client.query(`SELECT count(*)::int AS n FROM models WHERE source = 'bench'`)).rows;
if (existing > 0) {
  console.log(`Removing ${existing} models of an earlier bench run...`);
  await client.query(`DELETE FROM models WHERE source = 'bench'`);
}

const t0 = performance.now();
const ids = [];
const BATCH = 10000;
let edges = 0;
for (let start = 0; start < total; start += BATCH) {
  const rows = {
    id: [],
    author: [],
    name: [],
    pipeline: [],
    library: [],
    license: [],
    downloads: [],
    likes: [],
    trending: [],
    created: [],
    tags: [],
  };
  const rel = { model: [], base: [], relation: [] };
  for (let i = start; i < Math.min(total, start + BATCH); i++) {
    const author = AUTHORS[zipf(AUTHORS.length)];
    const family = pick(FAMILIES);
    const size = pick(SIZES);
    let name = `${family}-${size}`;
    let relation = null;
    let bases = [];
    // The hub: model 0 gets 10,000 descendants (children and grandchildren) for the lineage benchmark.
    if (i > 0 && i <= 10000) {
      bases = [ids[i <= 2000 ? 0 : 1 + Math.floor(rand() * Math.min(i - 1, 1999))]];
      relation = i % 7 === 0 ? 'quantized' : 'finetune';
    } else if (ids.length > 100 && rand() < 0.35) {
      const r = rand();
      relation = r < 0.55 ? 'finetune' : r < 0.8 ? 'quantized' : r < 0.93 ? 'adapter' : 'merge';
      const count = relation === 'merge' ? 2 + Math.floor(rand() * 2) : 1;
      for (let k = 0; k < count; k++) bases.push(ids[Math.floor(rand() * ids.length)]);
      bases = [...new Set(bases)];
    }
    if (relation === 'finetune') name += `-${pick(FINETUNE)}`;
    if (relation === 'quantized') name += `-${pick(QUANT)}`;
    if (relation === 'adapter') name += '-lora';
    if (relation === 'merge') name += '-merge';
    const id = `${author}/${name}-${i}`;
    ids.push(id);
    const downloads = Math.floor(Math.pow(10, rand() * rand() * 7.5));
    const tags = [
      pick(LIBRARIES),
      pick(LANGS),
      `license:${pick(LICENSES)}`,
      ...(relation === 'quantized' ? ['gguf'] : []),
      ...(rand() < 0.3 ? ['conversational'] : []),
    ];
    rows.id.push(id);
    rows.author.push(author);
    rows.name.push(name);
    rows.pipeline.push(pick(PIPELINES));
    rows.library.push(tags[0]);
    rows.license.push(tags[2].slice(8));
    rows.downloads.push(downloads);
    rows.likes.push(Math.floor(downloads / (50 + rand() * 500)));
    rows.trending.push(rand() < 0.05 ? rand() * 100 : 0);
    rows.created.push(new Date(Date.UTC(2022, 0, 1) + rand() * 4 * 365 * 86400000).toISOString());
    rows.tags.push(`{${tags.map((t) => `"${t}"`).join(',')}}`);
    for (const base of bases) {
      rel.model.push(id);
      rel.base.push(base);
      rel.relation.push(relation);
    }
  }
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO models (id, author, display_name, pipeline_tag, library_name, license, downloads, likes, trending_score, hf_created_at, tags, open_weights, source)
     SELECT id, author, name, pipeline, library, license, downloads, likes, trending, created, tags::text[], true, 'bench'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::int[], $9::float8[], $10::timestamptz[], $11::text[])
         AS t(id, author, name, pipeline, library, license, downloads, likes, trending, created, tags)`,
    [
      rows.id,
      rows.author,
      rows.name,
      rows.pipeline,
      rows.library,
      rows.license,
      rows.downloads,
      rows.likes,
      rows.trending,
      rows.created,
      rows.tags,
    ],
  );
  if (rel.model.length) {
    await client.query(
      `INSERT INTO base_model_relations (model_id, base_model_id, relation, source)
       SELECT m, b, r, 'inferred' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(m, b, r) ON CONFLICT DO NOTHING`,
      [rel.model, rel.base, rel.relation],
    );
    edges += rel.model.length;
  }
  await client.query('COMMIT');
  const done = Math.min(total, start + BATCH);
  if (done % 100000 === 0 || done === total) {
    process.stdout.write(
      `  ${done.toLocaleString('en-US')} models, ${edges.toLocaleString('en-US')} edges (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
    );
  }
}
// VACUUM, not only ANALYZE: a bulk load leaves the visibility map unset, so every index-only scan (the lineage steps)
// would also visit the heap until autovacuum comes by, as it does on a live database minutes after a large import.
// Depth-2 derivatives of the hub: p99 ~80 ms before the vacuum, ~50 ms after.
await client.query('VACUUM (ANALYZE) models');
await client.query('VACUUM (ANALYZE) base_model_relations');
console.log(
  `Loaded ${total.toLocaleString('en-US')} models and ${edges.toLocaleString('en-US')} lineage edges in ${((performance.now() - t0) / 1000).toFixed(1)} s. Hub model with 10,000 descendants: ${ids[0]}`,
);
await client.end();
