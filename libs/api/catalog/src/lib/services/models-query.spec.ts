import { modelsCursor, prefixQuery, typedTags } from './models-query.service';

describe('prefixQuery', () => {
  it.each([
    ['llam', 'llam:*'],
    ['llama instruct', 'llama & instruct:*'],
    ['Llama 3.1 inst', 'llama & 3 & 1 & inst:*'],
    ['meta-llama/Llama-3.1-8B', 'meta & llama & llama & 3 & 1 & 8b:*'],
    ['  Ünïcode  wörds ', 'ünïcode & wörds:*'],
    ['+++', null],
    ['', null],
  ])('turns %j into %j (whole words, the last one as a prefix)', (q, expected) => {
    expect(prefixQuery(q)).toBe(expected);
  });

  it('keeps at most 12 words', () => {
    const q = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    expect(prefixQuery(q)?.split(' & ')).toHaveLength(12);
  });
});

describe('typedTags', () => {
  it('sorts Hub tags by kind and leaves lineage and dataset tags out', () => {
    expect(
      typedTags([
        'license:apache-2.0',
        'en',
        'transformers',
        'region:us',
        'arxiv:2407.21783',
        'base_model:finetune:x/y',
        'dataset:a/b',
        'conversational',
      ]),
    ).toEqual({
      license: ['apache-2.0'],
      language: ['en'],
      framework: ['transformers'],
      region: ['us'],
      arxiv: ['2407.21783'],
      general: ['conversational'],
    });
  });
});

describe('modelsCursor', () => {
  it('is opaque base64url carrying the sort, the value and the id', () => {
    const c = modelsCursor('downloads', '42', 'a/b');
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(c, 'base64url').toString())).toEqual({ s: 'downloads', v: '42', id: 'a/b' });
  });
});
