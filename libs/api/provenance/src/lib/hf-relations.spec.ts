import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseModelEdges, datasetIds, HfLineageFields } from './hf-relations';

const SHARED_SEED = join(__dirname, '../../../../../../shared/data/hf/hf-model-tree-seed.json');

describe('baseModelEdges', () => {
  it.each<[string, HfLineageFields, [string, string, string][]]>([
    [
      'a stated finetune tag (and its bare twin)',
      {
        id: 'meta-llama/Llama-3.1-8B-Instruct',
        tags: ['base_model:meta-llama/Llama-3.1-8B', 'base_model:finetune:meta-llama/Llama-3.1-8B'],
      },
      [['meta-llama/Llama-3.1-8B', 'finetune', 'tag']],
    ],
    [
      'a stated quantized tag',
      { id: 'x/M-GGUF', tags: ['gguf', 'base_model:quantized:JetBrains/Mellum'] },
      [['JetBrains/Mellum', 'quantized', 'tag']],
    ],
    [
      "the card's base_model_relation",
      { id: 'unsloth/L-bnb-4bit', cardData: { base_model: 'meta-llama/L', base_model_relation: 'quantized' } },
      [['meta-llama/L', 'quantized', 'card']],
    ],
    [
      'several card bases: a merge',
      { id: 'Q-bert/MetaMath-Cybertron', cardData: { base_model: ['fblgit/a', 'meta-math/b'] } },
      [
        ['fblgit/a', 'merge', 'inferred'],
        ['meta-math/b', 'merge', 'inferred'],
      ],
    ],
    [
      'a self-merge listing one base seven times: one edge',
      {
        id: 'mlabonne/Meta-Llama-3-120B-Instruct',
        cardData: { base_model: Array(7).fill('meta-llama/Meta-Llama-3-70B-Instruct') },
      },
      [['meta-llama/Meta-Llama-3-70B-Instruct', 'merge', 'inferred']],
    ],
    [
      'a PEFT adapter',
      { id: 'c/L-adapter', tags: ['peft', 'mergekit'], cardData: { base_model: ['meta-llama/L'] } },
      [['meta-llama/L', 'adapter', 'inferred']],
    ],
    [
      'adapter files in the repo',
      { id: 'c/tuned', siblings: [{ rfilename: 'adapter_config.json' }], cardData: { base_model: 'meta-llama/L' } },
      [['meta-llama/L', 'adapter', 'inferred']],
    ],
    [
      'an EXL2 quant the Hub mis-inferred as a finetune',
      { id: 'bartowski/Replete-LLM-Qwen2-7b-exl2', cardData: { base_model: 'Replete-AI/Replete-LLM-Qwen2-7b' } },
      [['Replete-AI/Replete-LLM-Qwen2-7b', 'quantized', 'inferred']],
    ],
    [
      'GGUF files',
      { id: 'a/b', siblings: [{ rfilename: 'model.Q4_K_M.gguf' }], tags: ['base_model:c/d'] },
      [['c/d', 'quantized', 'inferred']],
    ],
    ['a plain finetune', { id: 'a/b-chat', cardData: { base_model: 'a/b' } }, [['a/b', 'finetune', 'inferred']]],
    ['no base at all', { id: 'a/b', tags: ['transformers'] }, []],
    [
      'junk and self references',
      { id: 'a/b', cardData: { base_model: ['a/b', 'https://x', ''] }, tags: ['base_model:a/b'] },
      [],
    ],
  ])('%s', (_name, record, expected) => {
    expect(baseModelEdges(record).map((e) => [e.base, e.relation, e.source])).toEqual(expected);
  });

  it('finds every expected edge of the shared Hugging Face seed that its records state', () => {
    if (!existsSync(SHARED_SEED)) return expect(existsSync(SHARED_SEED)).toBe(false);
    const seed = JSON.parse(readFileSync(SHARED_SEED, 'utf8')) as {
      models: (HfLineageFields & { expected_relation?: unknown })[];
      edges_expected: [string, string, string][];
    };
    const found = seed.models.flatMap((m) => baseModelEdges(m).map((e) => [m.id, e.relation, e.base].join(' ')));
    // Records without any base_model data (the DeepSeek distills, known only from their model card text) cannot be
    // found from the metadata; every edge that the metadata carries must be found with the right relation.
    const withData = new Set(
      seed.models
        .filter((m) => (m.tags ?? []).some((t) => t.startsWith('base_model:')) || m.cardData?.base_model)
        .map((m) => m.id),
    );
    const expected = seed.edges_expected.filter(([child]) => withData.has(child)).map((e) => e.join(' '));
    expect(expected.length).toBeGreaterThanOrEqual(13);
    expect(found.filter((f) => expected.includes(f)).sort()).toEqual([...expected].sort());
  });
});

describe('datasetIds', () => {
  it('reads dataset tags and the card list, deduplicated', () => {
    expect(
      datasetIds({
        id: 'a/b',
        tags: ['dataset:HuggingFaceH4/ultrachat_200k', 'en'],
        cardData: { datasets: ['HuggingFaceH4/ultrachat_200k', 'openai/gsm8k'] },
      }),
    ).toEqual(['HuggingFaceH4/ultrachat_200k', 'openai/gsm8k']);
    expect(datasetIds({ id: 'a/b', cardData: { datasets: 'x/y' } })).toEqual(['x/y']);
    expect(datasetIds({ id: 'a/b' })).toEqual([]);
  });
});
