import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { BudgetDto, BudgetsService, SummaryDto, UsageService } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { MoneyPipe, saveFile, StackedBars, StackedRow } from '@mph/admin-ui';
import { forkJoin } from 'rxjs';
import { CostsLinks } from './costs-links';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Spend over time stacked by model or provider, the top spenders, and budget gauges; range in the URL. */
/**
 * What a "top" row is called: projects and API keys are stored by id and the report names them; calls without a key
 * were made in a signed-in session.
 */
export function topLabel(group: string, r: Record<string, string | number>): string {
  const id = String(r[group] ?? '');
  if (group === 'project') return String(r['project_name'] ?? (id || '(no project)'));
  if (group === 'api_key') return id ? String(r['api_key_name'] ?? '(deleted key)') : '(signed-in session, no key)';
  return id || '(none)';
}

@Component({
  selector: 'mph-costs-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    StackedBars,
    CostsLinks,
    MoneyPipe,
    RouterLink,
  ],
  template: `
    <mph-costs-links />
    <header class="page-header">
      <h1>Costs</h1>
      <button mat-stroked-button type="button" (click)="download()" data-testid="costs-csv">Download CSV</button>
      <div class="total" data-testid="total-spend">
        <span [title]="totals().cost + ' ' + totals().currency">{{ totals().cost | money: totals().currency }}</span> ·
        {{ totals().events }} calls
        @if (totals().unpriced_events) {
          <span class="caveat" data-testid="unpriced">· {{ totals().unpriced_events }} with unknown price</span>
        }
        @if (totals().unconverted_events) {
          <span class="caveat" data-testid="unconverted">
            · {{ totals().unconverted_events }} in other currencies without an exchange rate
          </span>
        }
      </div>
    </header>
    <div class="filters">
      <mat-form-field appearance="outline">
        <mat-label>From</mat-label>
        <input
          matInput
          type="date"
          [ngModel]="from()"
          (change)="set({ from: $any($event.target).value })"
          data-testid="costs-from"
        />
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>To</mat-label>
        <input
          matInput
          type="date"
          [ngModel]="to()"
          (change)="set({ to: $any($event.target).value })"
          data-testid="costs-to"
        />
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Stack by</mat-label>
        <mat-select [ngModel]="stack()" (ngModelChange)="set({ by: $event })" data-testid="costs-stack">
          @for (g of stacks; track g) {
            <mat-option [value]="g">{{ g }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
    </div>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading costs" />
    }
    <mph-stacked-bars [rows]="series()" [caption]="'Spend per day by ' + stack() + ' (USD)'" />
    <div class="cards">
      @for (t of tops(); track t.title) {
        <section class="card" [attr.data-testid]="'top-' + t.key">
          <h2 class="section">Top {{ t.title }}</h2>
          @if (!t.rows.length) {
            <p class="sub">No spend in this range.</p>
          }
          <ol>
            @for (r of t.rows; track $index) {
              <li>
                <a [routerLink]="['/costs/usage']" [queryParams]="r.filter">{{ r.label }}</a>
                <strong class="amount" [title]="r.cost + ' USD'">{{ r.cost | money: 'USD' }}</strong>
                <span class="sub">{{ r.events }} calls</span>
              </li>
            }
          </ol>
        </section>
      }
    </div>
    <h2 class="section">Budgets this period</h2>
    @if (!budgets().length) {
      <p class="sub">No budgets. Set one on the Budgets page.</p>
    }
    @for (b of budgets(); track b.id) {
      <div class="gauge" [attr.data-testid]="'gauge-' + b.name">
        <div>
          <strong>{{ b.name }}</strong>
          <span class="sub">{{ b.mode }} · {{ b.period }} · {{ b.scope }} {{ b.scope_id }}</span>
        </div>
        <mat-progress-bar mode="determinate" [value]="gaugeValue(b)" [class.over]="+b.percent >= 100" />
        <div class="sub">
          {{ b.spent | money: b.currency }} of {{ b.amount | money: b.currency }} ({{ b.percent }}%){{
            +b.reserved ? ' · ' + (b.reserved | money: b.currency) + ' reserved' : ''
          }}
        </div>
      </div>
    }
  `,
  styles: `
    .total {
      font: var(--mat-sys-title-medium);
    }
    .caveat {
      font: var(--mat-sys-body-medium);
      color: var(--mat-sys-on-surface-variant);
    }
    .cards {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
      gap: 16px;
      margin: 16px 0;
    }
    .card {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 12px;
      padding: 8px 16px;
    }
    .card li {
      display: flex;
      gap: 8px;
      justify-content: space-between;
    }
    .gauge {
      max-width: 560px;
      margin: 8px 0 16px;
    }
    .over {
      --mdc-linear-progress-active-indicator-color: var(--mat-sys-error);
    }
  `,
})
export class CostsPage implements OnInit {
  private readonly usage = inject(UsageService);
  private readonly budgetsApi = inject(BudgetsService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  readonly stacks = ['model', 'provider', 'project'];
  readonly from = signal(day(new Date(Date.now() - 29 * 86400_000)));
  readonly to = signal(day(new Date()));
  readonly stack = signal('model');
  readonly loading = signal(false);
  readonly daily = signal<SummaryDto | null>(null);
  readonly topData = signal<Record<string, SummaryDto>>({});
  readonly budgets = signal<BudgetDto[]>([]);
  readonly totals = computed(
    () =>
      this.daily()?.meta.totals ?? { cost: '0', events: 0, currency: 'USD', unpriced_events: 0, unconverted_events: 0 },
  );
  readonly series = computed<StackedRow[]>(() =>
    (this.daily()?.data ?? []).map((r) => ({
      x: String(r['day']),
      series: String((this.stack() === 'project' ? r['project_name'] : null) || r[this.stack()] || '(none)'),
      // In the reporting currency (USD), so rows priced in other currencies stack on the same axis.
      value: Number(r['cost_usd']),
    })),
  );
  readonly tops = computed(() => {
    const groups = [
      { key: 'model', title: 'models' },
      { key: 'project', title: 'projects' },
      { key: 'api_key', title: 'API keys' },
      ...(this.session.hasRole('operator', 'admin') ? [{ key: 'user', title: 'users' }] : []),
    ];
    return groups.map((g) => ({
      ...g,
      rows: (this.topData()[g.key]?.data ?? []).map((r) => ({
        label: topLabel(g.key, r),
        cost: String(r['cost_usd']),
        events: r['events'],
        // The row opens the usage page on those calls.
        filter: { [g.key === 'project' ? 'project' : g.key]: String(r[g.key] ?? '') },
      })),
    }));
  });

  ngOnInit(): void {
    this.route.queryParamMap.subscribe((q) => {
      if (q.get('from')) this.from.set(q.get('from') as string);
      if (q.get('to')) this.to.set(q.get('to') as string);
      if (q.get('by')) this.stack.set(q.get('by') as string);
      this.load();
    });
  }

  set(change: Record<string, string>): void {
    void this.router.navigate([], { queryParams: change, queryParamsHandling: 'merge' });
  }

  /** The range as CSV (day × the stacking dimension), saved by the browser. */
  download(): void {
    this.usage
      .exportCostSummary({ from: this.from(), to: this.to(), group_by: `day,${this.stack()}` })
      .subscribe((csv) => saveFile(csv, `costs-${this.from()}-${this.to()}.csv`));
  }

  gaugeValue(b: BudgetDto): number {
    return Math.min(100, Number(b.percent));
  }

  private load(): void {
    this.loading.set(true);
    const range = { from: this.from(), to: this.to() };
    const topKeys = ['model', 'project', 'api_key', ...(this.session.hasRole('operator', 'admin') ? ['user'] : [])];
    forkJoin({
      daily: this.usage.getCostSummary({ ...range, group_by: `day,${this.stack()}` }),
      budgets: this.budgetsApi.listBudgets(),
      ...Object.fromEntries(topKeys.map((k) => [k, this.usage.getCostSummary({ ...range, group_by: k, top: 5 })])),
    }).subscribe({
      next: (r) => {
        const { daily, budgets, ...tops } = r as unknown as {
          daily: SummaryDto;
          budgets: { data: BudgetDto[] };
        } & Record<string, SummaryDto>;
        this.daily.set(daily);
        this.budgets.set(budgets.data);
        this.topData.set(tops);
        this.loading.set(false);
      },
      error: () => this.loading.set(false),
    });
  }
}
