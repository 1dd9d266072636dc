import { stackLayout } from '@mph/admin-ui';
import { usageOf } from './estimate-page';

describe('costs console helpers', () => {
  it('stacks spend per day by series, keeping the largest series and folding the rest into "other"', () => {
    const rows = [
      { x: '2026-01-01', series: 'a', value: 3 },
      { x: '2026-01-01', series: 'b', value: 1 },
      { x: '2026-01-02', series: 'a', value: 2 },
      { x: '2026-01-02', series: 'c', value: 0.5 },
    ];
    const layout = stackLayout(rows, 2);
    expect(layout.series.map((s) => s.name)).toEqual(['a', 'b', 'other']);
    expect(layout.dayTotals).toEqual([
      { x: '2026-01-01', total: 4 },
      { x: '2026-01-02', total: 2.5 },
    ]);
    expect(layout.bars).toHaveLength(4);
    // The tallest day reaches 1/1.1 of the plot height; bars of one day sit on each other.
    const day1 = layout.bars.slice(0, 2);
    expect(day1[1].y + day1[1].h).toBeCloseTo(day1[0].y, 5);
  });

  it('builds the usage from the common fields and every added unit of the registry', () => {
    const fields = [{ key: 'input_tokens' }, { key: 'cache_read_tokens' }, { key: 'output_tokens' }];
    expect(
      usageOf(
        {
          input_tokens: 1000,
          cache_read_tokens: null,
          output_tokens: 0,
          more: [
            { key: 'audio_seconds', count: 60 },
            { key: 'web_searches', count: 2 },
            { key: 'web_searches', count: 1 },
            { key: 'images', count: null },
          ],
        },
        fields,
      ),
    ).toEqual({ input_tokens: 1000, audio_seconds: 60, web_searches: 3 });
  });
});
