import type { PriceVersionDto } from '@mph/api-catalog';
import { DomainError } from '@mph/api-core';
import { canonical } from '../decimal';
import { diffComponents, normaliseComponents } from './price-writer';

const version = (components: { unit: string; amount: string; above?: number }[]): PriceVersionDto => ({
  id: 'v1',
  offering_id: 'o1',
  service_tier: 'standard',
  region: '',
  effective_from: '2025-01-01T00:00:00.000Z',
  effective_to: null,
  recorded_at: '2025-01-01T00:00:00.000Z',
  source: 'manual',
  source_ref: null,
  currency: 'USD',
  reason: null,
  components: components.map((c) => ({
    unit: c.unit,
    amount: c.amount,
    per: '1M tokens',
    prompt_tokens_above: c.above ?? 0,
    window_start: null,
    window_end: null,
  })),
});

describe('price writer', () => {
  it.each([
    ['1.250', '1.25'],
    ['0.000001250', '0.00000125'],
    ['1.25e-6', '0.00000125'],
    ['0.000000005', '0.000000005'],
    ['10', '10'],
  ])('stores %s as %s', (input, output) => expect(canonical(input)).toBe(output));

  it('diffs by unit, tier and window, with exact ratios', () => {
    const before = version([
      { unit: 'input', amount: '10' },
      { unit: 'output', amount: '40' },
      { unit: 'cache_read', amount: '2.5' },
      { unit: 'reasoning', amount: '40' },
    ]);
    const after = normaliseComponents([
      { unit: 'input', amount: '2' },
      { unit: 'output', amount: '8.000' },
      { unit: 'cache_read', amount: '2.5' },
      { unit: 'input', amount: '4', prompt_tokens_above: 200_000 },
    ]);
    const changes = diffComponents(before, after);
    const by = (unit: string, above = 0) => changes.find((c) => c.unit === unit && c.prompt_tokens_above === above);
    expect(by('input')).toMatchObject({ before: '10', after: '2', change: 'changed', ratio: '0.2' });
    expect(by('output')).toMatchObject({ before: '40', after: '8', change: 'changed', ratio: '0.2' });
    expect(by('cache_read')).toMatchObject({ change: 'unchanged', ratio: '1' });
    expect(by('input', 200_000)).toMatchObject({ before: null, after: '4', change: 'added' });
    expect(by('reasoning')).toMatchObject({ before: '40', after: null, change: 'removed' });
    expect(changes).toHaveLength(5);
  });

  it('rejects duplicate units and half windows', () => {
    expect(() =>
      normaliseComponents([
        { unit: 'input', amount: '1' },
        { unit: 'input', amount: '2' },
      ]),
    ).toThrow(DomainError);
    expect(() => normaliseComponents([{ unit: 'input', amount: '1', window_start: '10:00' }])).toThrow(
      /window_start and window_end/,
    );
    expect(
      normaliseComponents([
        { unit: 'input', amount: '1', window_start: '10:00', window_end: '11:00' },
        { unit: 'input', amount: '2' },
      ]),
    ).toHaveLength(2);
  });
});
