import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** One value held over [from, to); `to` null = still in force. */
export interface StepSegment {
  from: string;
  to: string | null;
  value: number;
}

export interface StepSeries {
  label: string;
  segments: StepSegment[];
}

const COLORS = ['#1a73e8', '#d93025', '#188038', '#f29900', '#9334e6', '#12b5cb', '#e8710a', '#5f6368'];
const W = 640;
const H = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** A step chart: each series holds its value until the next change (prices over time). Pure SVG, no library. */
@Component({
  selector: 'mph-step-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="chart" data-testid="step-chart">
      <svg [attr.viewBox]="'0 0 ' + width + ' ' + height" role="img" [attr.aria-label]="ariaLabel()">
        @for (t of layout().yTicks; track t.y) {
          <line class="grid" [attr.x1]="pad.left" [attr.x2]="width - pad.right" [attr.y1]="t.y" [attr.y2]="t.y" />
          <text class="tick" [attr.x]="pad.left - 6" [attr.y]="t.y + 4" text-anchor="end">{{ t.label }}</text>
        }
        @for (t of layout().xTicks; track t.x) {
          <text class="tick" [attr.x]="t.x" [attr.y]="height - 8" [attr.text-anchor]="t.anchor">{{ t.label }}</text>
        }
        @if (layout().now !== null) {
          <line
            class="now"
            [attr.x1]="layout().now"
            [attr.x2]="layout().now"
            [attr.y1]="pad.top"
            [attr.y2]="height - pad.bottom"
          />
        }
        @for (p of layout().paths; track p.label) {
          <path [attr.d]="p.d" [attr.stroke]="p.color" fill="none" stroke-width="2" [attr.data-series]="p.label" />
        }
      </svg>
      <figcaption class="legend">
        @for (p of layout().paths; track p.label) {
          <span><i [style.background]="p.color"></i>{{ p.label }}</span>
        }
        <span class="sub">dashed line: now</span>
      </figcaption>
    </figure>
  `,
  styles: `
    .chart {
      margin: 0;
    }
    svg {
      width: 100%;
      max-width: 760px;
      height: auto;
      display: block;
    }
    .grid {
      stroke: var(--mat-sys-outline-variant, #ddd);
      stroke-width: 1;
    }
    .now {
      stroke: var(--mat-sys-outline, #888);
      stroke-dasharray: 4 3;
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
    .sub {
      color: var(--mat-sys-on-surface-variant, #555);
    }
  `,
})
export class StepChart {
  readonly series = input.required<StepSeries[]>();
  readonly unitLabel = input('');
  /** Instant drawn as "now" (tests pass a fixed one). */
  readonly now = input<string>(new Date().toISOString());
  readonly width = W;
  readonly height = H;
  readonly pad = PAD;
  readonly ariaLabel = computed(
    () =>
      `Step chart of ${this.series()
        .map((s) => s.label)
        .join(', ')} over time${this.unitLabel() ? ` (${this.unitLabel()})` : ''}`,
  );
  readonly layout = computed(() => stepLayout(this.series(), Date.parse(this.now())));
}

/** Scales and SVG paths for the chart; exported for tests. Epoch "since the first record" starts are clamped. */
export function stepLayout(series: StepSeries[], now: number) {
  const starts = series.flatMap((s) => s.segments.map((g) => Date.parse(g.from))).filter((t) => t > 0);
  const ends = series.flatMap((s) => s.segments.map((g) => (g.to ? Date.parse(g.to) : now)));
  const xMin0 = starts.length ? Math.min(...starts) : now - 365 * 86400_000;
  const xMax0 = Math.max(now, ...ends, ...starts);
  const span = Math.max(xMax0 - xMin0, 86400_000);
  const xMin = xMin0 - span * 0.05;
  const xMax = xMax0 + span * 0.08;
  const values = series.flatMap((s) => s.segments.map((g) => g.value));
  const yMax = values.length ? Math.max(...values) * 1.1 || 1 : 1;
  const x = (t: number) => PAD.left + ((Math.max(t, xMin) - xMin) / (xMax - xMin)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const paths = series.map((s, i) => {
    const segs = [...s.segments].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
    let d = '';
    let prevEnd: number | null = null;
    for (const g of segs) {
      const from = x(Date.parse(g.from));
      const to = x(g.to ? Date.parse(g.to) : xMax);
      d +=
        prevEnd !== null && Math.abs(prevEnd - from) < 0.5
          ? ` V ${y(g.value).toFixed(1)} H ${to.toFixed(1)}`
          : ` M ${from.toFixed(1)} ${y(g.value).toFixed(1)} H ${to.toFixed(1)}`;
      prevEnd = to;
    }
    return { label: s.label, color: COLORS[i % COLORS.length], d: d.trim() };
  });
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ y: y(yMax * f), label: formatTick(yMax * f) }));
  // The end labels align inwards: centred on the plot's edges they were cut ("2027-0").
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = xMin + f * (xMax - xMin);
    const anchor = f === 0 ? 'start' : f === 1 ? 'end' : 'middle';
    return { x: x(t), label: new Date(t).toISOString().slice(0, 7), anchor };
  });
  return { paths, yTicks, xTicks, now: now >= xMin && now <= xMax ? x(now) : null };
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  if (v >= 100) return v.toFixed(0);
  if (v >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return v.toPrecision(2);
}
