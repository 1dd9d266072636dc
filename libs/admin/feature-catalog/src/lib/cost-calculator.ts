import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { CostsService } from '@mph/admin-api-client';
import { compareDecimal, estimateMany, Money } from '@mph/admin-ui';

/** An offering the calculator prices: who sells it, under which id, for which model. */
export interface CalculatorOffering {
  model: string;
  provider: string;
  providerName: string;
  providerModelId: string;
}

export interface CalculatedCost {
  offering: CalculatorOffering;
  total: string | null;
  currency: string;
  note: string;
}

/** Cheapest first; unknown costs last (unknown is not free). */
export function byCost(a: CalculatedCost, b: CalculatedCost): number {
  if (a.total === null || b.total === null) return a.total === null ? (b.total === null ? 0 : 1) : -1;
  // USD first (the catalog's reference), then other currencies: amounts in different currencies are not comparable.
  const usd = Number(b.currency === 'USD') - Number(a.currency === 'USD');
  return usd || a.currency.localeCompare(b.currency) || compareDecimal(a.total, b.total);
}

const COUNT = [Validators.required, Validators.min(0), Validators.max(1e12), Validators.pattern(/^\d+$/)];

/**
 * "Cheapest for my usage": token counts in, the cost of exactly that call at every offering out, cheapest first.
 * Every figure is the API's estimate (the one money logic: tiers, cache rules, conventions), not arithmetic here.
 */
@Component({
  selector: 'mph-cost-calculator',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, Money, MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <form class="calc" [formGroup]="form" (ngSubmit)="run()" novalidate data-testid="calculator">
      <mat-form-field appearance="outline" subscriptSizing="dynamic">
        <mat-label>Input tokens</mat-label>
        <input matInput inputmode="numeric" formControlName="input" data-testid="calc-input" />
        @if (form.controls.input.invalid) {
          <mat-error>A whole number of tokens, 0 or more.</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline" subscriptSizing="dynamic">
        <mat-label>of which cached</mat-label>
        <input matInput inputmode="numeric" formControlName="cached" data-testid="calc-cached" />
        @if (form.controls.cached.invalid) {
          <mat-error>A whole number of tokens, 0 or more.</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline" subscriptSizing="dynamic">
        <mat-label>Output tokens</mat-label>
        <input matInput inputmode="numeric" formControlName="output" data-testid="calc-output" />
        @if (form.controls.output.invalid) {
          <mat-error>A whole number of tokens, 0 or more.</mat-error>
        }
      </mat-form-field>
      <button mat-flat-button type="submit" data-testid="calc-run">Calculate</button>
    </form>
    @if (problem(); as p) {
      <p class="error" role="alert">{{ p }}</p>
    }
    <div role="status" aria-live="polite">
      @if (busy()) {
        <p class="sub">Pricing at every provider…</p>
      } @else if (results().length) {
        <ol class="results" data-testid="calc-results">
          @for (
            r of results();
            track r.offering.model + r.offering.provider + r.offering.providerModelId;
            let i = $index
          ) {
            <li [class.best]="i === 0 && r.total !== null">
              <span>
                @if (showModel()) {
                  <strong>{{ r.offering.model }}</strong> ·
                }
                {{ r.offering.providerName }} <code class="sub">{{ r.offering.providerModelId }}</code>
              </span>
              <span class="cost">
                <mph-money [amount]="r.total" [currency]="r.currency" unknownText="no known price" />
                @if (r.note) {
                  <span class="sub block">{{ r.note }}</span>
                }
              </span>
            </li>
          }
        </ol>
      }
    </div>
  `,
  styles: `
    .calc {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
      margin-bottom: 12px;
    }
    .calc mat-form-field {
      flex: 1 1 140px;
    }
    .results {
      margin: 0;
      padding-left: 24px;
    }
    .results li {
      padding: 6px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .results li > span {
      display: inline-flex;
      gap: 4px;
    }
    .results li {
      display: list-item;
    }
    .cost {
      float: right;
      text-align: right;
      flex-direction: column;
    }
    .best .cost {
      font-weight: 600;
      color: var(--mat-sys-primary);
    }
    .block {
      display: block;
      font-weight: normal;
    }
  `,
})
export class CostCalculator {
  private readonly costs = inject(CostsService);
  readonly offerings = input.required<CalculatorOffering[]>();
  /** Several models (Compare): each row names its model. */
  readonly showModel = input(false);
  readonly results = signal<CalculatedCost[]>([]);
  readonly busy = signal(false);
  readonly problem = signal<string | null>(null);
  readonly form = new FormGroup({
    input: new FormControl('10000', { nonNullable: true, validators: COUNT }),
    cached: new FormControl('0', { nonNullable: true, validators: COUNT }),
    output: new FormControl('1000', { nonNullable: true, validators: COUNT }),
  });

  constructor() {
    // A first answer with the example usage as soon as the offerings are known (again only when they change, not
    // when a display name arrives).
    let priced = '';
    effect(() => {
      const key = this.offerings()
        .map((o) => `${o.model}|${o.provider}|${o.providerModelId}`)
        .join(',');
      if (key && key !== priced) {
        priced = key;
        untracked(() => this.run());
      }
    });
  }

  run(): void {
    this.form.markAllAsTouched();
    if (this.form.invalid) {
      this.problem.set('Fix the highlighted counts to calculate.');
      return;
    }
    const v = this.form.getRawValue();
    if (BigInt(v.cached) > BigInt(v.input)) {
      this.problem.set('Cached tokens are part of the input tokens: at most as many.');
      return;
    }
    this.problem.set(null);
    const usage = {
      input_tokens: Number(v.input),
      ...(v.cached !== '0' ? { cache_read_tokens: Number(v.cached) } : {}),
      output_tokens: Number(v.output),
    };
    this.busy.set(true);
    const offerings = this.offerings();
    estimateMany(
      this.costs,
      offerings.map((o) => ({ provider: o.provider, model: o.providerModelId, usage })),
    ).subscribe({
      next: (answers) => {
        const rows = answers.map((a): CalculatedCost => {
          const o = offerings[a.index];
          return a.estimate
            ? {
                offering: o,
                total: a.estimate.total,
                currency: a.estimate.currency,
                note: a.estimate.tier ? `prompt above ${a.estimate.tier} tokens` : '',
              }
            : { offering: o, total: null, currency: 'USD', note: a.error?.message ?? 'could not be priced' };
        });
        this.results.set([...rows].sort(byCost));
        this.busy.set(false);
      },
      error: () => {
        this.problem.set('The estimates could not be loaded; try again.');
        this.busy.set(false);
      },
    });
  }
}
