import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export interface StackedRow {
  /** The x value (a day). */
  x: string;
  /** The stack it belongs to (a model, a provider). */
  series: string;
  value: number;
}

const COLORS = ['#1a73e8', '#d93025', '#188038', '#f29900', '#9334e6', '#12b5cb', '#e8710a', '#5f6368'];
const W = 720;
const H = 240;
const PAD = { left: 56, right: 8, top: 10, bottom: 30 };

/** Stacked bars per x (days) by series (models); the top 7 series keep their own colour, the rest are "other". */
export function stackLayout(rows: StackedRow[], maxSeries = 7) {
  const xs = [...new Set(rows.map((r) => r.x))].sort();
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.series, (totals.get(r.series) ?? 0) + r.value);
  const ranked = [...totals].sort((a, b) => b[1] - a[1]).map(([s]) => s);
  const keep = new Set(ranked.slice(0, maxSeries));
  const series = [...ranked.slice(0, maxSeries), ...(ranked.length > maxSeries ? ['other'] : [])];
  const cell = new Map<string, number>();
  for (const r of rows) {
    const s = keep.has(r.series) ? r.series : 'other';
    cell.set(`${r.x}|${s}`, (cell.get(`${r.x}|${s}`) ?? 0) + r.value);
  }
  const dayTotals = xs.map((x) => series.reduce((sum, s) => sum + (cell.get(`${x}|${s}`) ?? 0), 0));
  const yMax = Math.max(...dayTotals, 0) * 1.1 || 1;
  const band = (W - PAD.left - PAD.right) / Math.max(xs.length, 1);
  const barW = Math.max(2, band * 0.7);
  const y = (v: number) => ((H - PAD.top - PAD.bottom) * v) / yMax;
  const bars: { x: number; y: number; w: number; h: number; color: string; label: string }[] = [];
  xs.forEach((x, i) => {
    let acc = 0;
    series.forEach((s, j) => {
      const v = cell.get(`${x}|${s}`) ?? 0;
      if (v <= 0) return;
      const h = y(v);
      bars.push({
        x: PAD.left + i * band + (band - barW) / 2,
        y: H - PAD.bottom - y(acc) - h,
        w: barW,
        h,
        color: COLORS[j % COLORS.length],
        label: `${x} · ${s}: ${v}`,
      });
      acc += v;
    });
  });
  const every = Math.ceil(xs.length / 8) || 1;
  return {
    bars,
    series: series.map((s, j) => ({ name: s, color: COLORS[j % COLORS.length] })),
    xTicks: xs
      .map((x, i) => ({ x: PAD.left + i * band + band / 2, label: x.slice(5) }))
      .filter((_t, i) => i % every === 0),
    yTicks: [0, 0.5, 1].map((f) => ({
      y: H - PAD.bottom - (H - PAD.top - PAD.bottom) * f,
      label: (yMax * f).toPrecision(3),
    })),
    dayTotals: xs.map((x, i) => ({ x, total: dayTotals[i] })),
  };
}

/** Spend over time as stacked bars (SVG), with the numbers in a hidden table for screen readers. */
@Component({
  selector: 'mph-stacked-bars',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="chart" data-testid="stacked-bars">
      <svg [attr.viewBox]="'0 0 ' + width + ' ' + height" role="img" [attr.aria-label]="caption()">
        @for (t of layout().yTicks; track t.y) {
          <line class="grid" [attr.x1]="pad.left" [attr.x2]="width - pad.right" [attr.y1]="t.y" [attr.y2]="t.y" />
          <text class="tick" [attr.x]="pad.left - 6" [attr.y]="t.y + 4" text-anchor="end">{{ t.label }}</text>
        }
        @for (t of layout().xTicks; track t.x) {
          <text class="tick" [attr.x]="t.x" [attr.y]="height - 10" text-anchor="middle">{{ t.label }}</text>
        }
        @for (b of layout().bars; track $index) {
          <rect [attr.x]="b.x" [attr.y]="b.y" [attr.width]="b.w" [attr.height]="b.h" [attr.fill]="b.color">
            <title>{{ b.label }}</title>
          </rect>
        }
      </svg>
      <figcaption class="legend">
        @for (s of layout().series; track s.name) {
          <span><i [style.background]="s.color"></i>{{ s.name }}</span>
        }
      </figcaption>
      <table class="cdk-visually-hidden">
        <caption>
          {{
            caption()
          }}
        </caption>
        <tbody>
          @for (d of layout().dayTotals; track d.x) {
            <tr>
              <th scope="row">{{ d.x }}</th>
              <td>{{ d.total }}</td>
            </tr>
          }
        </tbody>
      </table>
    </figure>
  `,
  styles: `
    .chart {
      margin: 0;
    }
    svg {
      width: 100%;
      max-width: 900px;
      height: auto;
      display: block;
    }
    .grid {
      stroke: var(--mat-sys-outline-variant, #ddd);
    }
    .tick {
      font-size: 10px;
      fill: var(--mat-sys-on-surface-variant, #555);
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      font-size: 12px;
    }
    .legend i {
      display: inline-block;
      width: 10px;
      height: 10px;
      border-radius: 2px;
      margin-right: 4px;
    }
  `,
})
export class StackedBars {
  readonly rows = input.required<StackedRow[]>();
  readonly caption = input('Spend per day');
  readonly width = W;
  readonly height = H;
  readonly pad = PAD;
  readonly layout = computed(() => stackLayout(this.rows()));
}
