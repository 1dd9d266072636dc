import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** One step of a price: from `at` on, the value is `value` (a decimal string; drawn, never computed with). */
export interface SparkPoint {
  at: string;
  value: string;
}

/**
 * A price history as a tiny step line (each price holds until the next). Decorative next to the figures it sums up:
 * the label says the trend in words for screen readers.
 */
@Component({
  selector: 'mph-sparkline',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (path(); as d) {
      <svg [attr.width]="width" [attr.height]="height" role="img" [attr.aria-label]="label()">
        <title>{{ label() }}</title>
        <path [attr.d]="d" fill="none" stroke="currentColor" stroke-width="1.5" />
      </svg>
    } @else {
      <span class="sub">—</span>
    }
  `,
  styles: `
    :host {
      display: inline-block;
      color: var(--mat-sys-primary);
      vertical-align: middle;
    }
  `,
})
export class Sparkline {
  readonly points = input<SparkPoint[]>([]);
  readonly what = input('Price');
  readonly width = 72;
  readonly height = 20;

  private readonly sorted = computed(() =>
    [...this.points()].filter((p) => !Number.isNaN(Date.parse(p.at))).sort((a, b) => a.at.localeCompare(b.at)),
  );

  readonly path = computed(() => {
    const pts = this.sorted();
    if (!pts.length) return null;
    const values = pts.map((p) => Number(p.value));
    const min = Math.min(...values);
    const max = Math.max(...values);
    const y = (v: number) =>
      max === min ? this.height / 2 : this.height - 2 - ((v - min) / (max - min)) * (this.height - 4);
    const step = pts.length > 1 ? this.width / pts.length : this.width;
    let d = `M0 ${y(values[0]).toFixed(1)}`;
    values.forEach((v, i) => {
      if (i > 0) d += ` V${y(v).toFixed(1)}`;
      d += ` H${Math.min(this.width, (i + 1) * step).toFixed(1)}`;
    });
    return d;
  });

  readonly label = computed(() => {
    const pts = this.sorted();
    if (pts.length < 2) return `${this.what()}: no change recorded`;
    const first = pts[0];
    const last = pts[pts.length - 1];
    return `${this.what()}: ${pts.length - 1} change${pts.length > 2 ? 's' : ''}, ${first.value} on ${first.at.slice(0, 10)} → ${last.value} since ${last.at.slice(0, 10)}`;
  });
}
