import { stackLayout } from '@mph/admin-ui';
import { PART_TO_USAGE, toUsage } from './estimate-page';

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

  it('turns a breakdown back into usage to price the same call on another offering', () => {
    const parts = Object.fromEntries(
      Object.entries({ input: 10_000, cache_read: 80_000, cache_write: 10_000, output: 700, reasoning: 300 }).map(
        ([k, v]) => [PART_TO_USAGE[k], v],
      ),
    );
    expect(toUsage(parts)).toEqual({
      cache_read_tokens: 80_000,
      cache_write_5m_tokens: 10_000,
      output_reasoning_tokens: 300,
      input_tokens: 100_000,
      output_tokens: 1000,
    });
  });
});
