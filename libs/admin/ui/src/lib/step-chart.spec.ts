import { stepLayout } from './step-chart';

describe('step chart layout', () => {
  it('aligns the end labels of the time axis inwards, so they are not cut at the plot’s edges', () => {
    const layout = stepLayout(
      [
        {
          label: 'input',
          segments: [
            { from: '2025-01-01T00:00:00Z', to: '2025-06-10T00:00:00Z', value: 10 },
            { from: '2025-06-10T00:00:00Z', to: null, value: 2 },
          ],
        },
      ],
      Date.parse('2027-01-01T00:00:00Z'),
    );
    expect(layout.xTicks.map((t) => t.anchor)).toEqual(['start', 'middle', 'middle', 'middle', 'end']);
    expect(layout.xTicks[0].label).toMatch(/^20\d\d-\d\d$/);
    expect(layout.paths[0].label).toBe('input');
  });
});
