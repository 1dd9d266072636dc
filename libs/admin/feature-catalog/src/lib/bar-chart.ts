import {
  afterRenderEffect,
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  input,
  OnDestroy,
  viewChild,
} from '@angular/core';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/**
 * A theme colour (Material system token) resolved to rgb() for the canvas: the tokens are light-dark() expressions,
 * which only the browser's style engine can evaluate.
 */
function token(name: string, fallback: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name}, ${fallback})`;
  document.body.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color || fallback;
}

/**
 * A horizontal bar chart (Chart.js) with the same numbers as a table for screen readers and for browsers that cannot
 * draw on a canvas.
 */
@Component({
  selector: 'mph-bar-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="chart">
      <figcaption>{{ caption() }}</figcaption>
      <div class="canvas" [style.height.px]="24 + labels().length * 26">
        <canvas #canvas role="img" [attr.aria-label]="caption()"></canvas>
      </div>
      <table class="cdk-visually-hidden" [attr.data-testid]="'chart-data-' + caption()">
        <caption>
          {{
            caption()
          }}
        </caption>
        <tbody>
          @for (label of labels(); track label; let i = $index) {
            <tr>
              <th scope="row">{{ label }}</th>
              <td>{{ values()[i] }}</td>
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
    figcaption {
      font: var(--mat-sys-title-small);
      margin-bottom: 8px;
    }
    .canvas {
      position: relative;
    }
  `,
})
export class BarChart implements OnDestroy {
  readonly caption = input.required<string>();
  readonly labels = input.required<string[]>();
  readonly values = input.required<number[]>();
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart?: Chart;

  constructor() {
    afterRenderEffect(() => {
      const labels = this.labels();
      const values = this.values();
      const context = this.canvas().nativeElement.getContext?.('2d');
      if (!context) return;
      this.chart?.destroy();
      this.chart = new Chart(context, {
        type: 'bar',
        data: {
          labels,
          datasets: [{ label: this.caption(), data: values, backgroundColor: token('--mat-sys-primary', '#005cbb') }],
        },
        options: {
          indexAxis: 'y',
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: {
            x: {
              ticks: { color: token('--mat-sys-on-surface-variant', '#444') },
              grid: { color: token('--mat-sys-outline-variant', '#ccc') },
            },
            y: { ticks: { color: token('--mat-sys-on-surface', '#111') }, grid: { display: false } },
          },
        },
      });
    });
  }

  ngOnDestroy(): void {
    this.chart?.destroy();
  }
}
