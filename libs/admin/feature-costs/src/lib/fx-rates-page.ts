import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { CostsService, FxRateDto, FxRateInputDto } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { errorText, silentErrors } from '@mph/admin-ui';
import { CostsLinks } from './costs-links';

const LINE = /^([A-Za-z]{3})[\s,;]+(\d{4}-\d{2}-\d{2})[\s,;]+(\d{1,9}(?:\.\d{1,12})?)$/;

/**
 * Rates typed or pasted one per line, `EUR 2026-01-15 1.0842` (commas or semicolons work too): the rates, and the
 * lines that are not one, with why, so nothing is sent half-read.
 */
export function parseRates(text: string): { rates: FxRateInputDto[]; problems: string[] } {
  const rates: FxRateInputDto[] = [];
  const problems: string[] = [];
  text
    .split('\n')
    .map((l) => l.trim())
    .forEach((line, i) => {
      if (!line) return;
      const m = LINE.exec(line);
      if (!m) {
        problems.push(`Line ${i + 1}: "${line}" is not "CUR YYYY-MM-DD rate", such as EUR 2026-01-15 1.0842`);
        return;
      }
      const [, cur, date, rate] = m;
      const day = new Date(`${date}T00:00:00Z`);
      if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) {
        problems.push(`Line ${i + 1}: ${date} is not a calendar day`);
      } else if (cur.toUpperCase() === 'USD') {
        problems.push(`Line ${i + 1}: USD is the reporting currency (its rate is always 1)`);
      } else if (/^0+(\.0+)?$/.test(rate)) {
        problems.push(`Line ${i + 1}: a rate must be above 0`);
      } else {
        rates.push({ currency: cur.toUpperCase(), date, usd_per_unit: rate });
      }
    });
  return { rates, problems };
}

/**
 * Exchange rates into USD, the reporting currency: each call in another currency is converted at its usage date's
 * rate. Everyone signed in reads them; operators add or correct them (one per line, or pasted from a sheet).
 */
@Component({
  selector: 'mph-fx-rates-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, CostsLinks],
  template: `
    <mph-costs-links />
    <header class="page-header"><h1>Exchange rates</h1></header>
    <p class="sub">
      Reports are in USD. A call priced in another currency is converted at the rate of its usage day (UTC); until that
      day has a rate, its USD value is unknown, never 0.
    </p>
    <form class="filters" (ngSubmit)="load()">
      <mat-form-field appearance="outline">
        <mat-label>Currency</mat-label>
        <input
          matInput
          name="currency"
          [(ngModel)]="currency"
          placeholder="EUR"
          maxlength="3"
          data-testid="fx-filter"
        />
      </mat-form-field>
      <button mat-button type="submit">Show</button>
    </form>
    @if (rows().length) {
      <table class="plain-table" data-testid="fx-rates">
        <thead>
          <tr>
            <th scope="col">Currency</th>
            <th scope="col">Day</th>
            <th scope="col" class="num">USD per unit</th>
            <th scope="col">Source</th>
            <th scope="col">Set</th>
          </tr>
        </thead>
        <tbody>
          @for (r of rows(); track r.currency + r.date) {
            <tr>
              <td>{{ r.currency }}</td>
              <td>{{ r.date }}</td>
              <td class="num">{{ r.usd_per_unit }}</td>
              <td>{{ r.source }}</td>
              <td>{{ r.updated_at | date: 'yyyy-MM-dd HH:mm' : 'UTC' }}</td>
            </tr>
          }
        </tbody>
      </table>
    } @else if (loaded()) {
      <p data-testid="fx-empty">
        No rates{{ currency.trim() ? ' for ' + currency.trim().toUpperCase() : '' }} yet: calls in other currencies keep
        an unknown USD value until their day has one.
      </p>
    }
    @if (operator()) {
      <h2>Add or correct rates</h2>
      <form (ngSubmit)="save()" class="set">
        <mat-form-field appearance="outline" class="lines">
          <mat-label>Rates, one per line</mat-label>
          <textarea
            matInput
            name="lines"
            rows="4"
            [(ngModel)]="lines"
            placeholder="EUR 2026-01-15 1.0842"
            data-testid="fx-lines"
          ></textarea>
          <mat-hint>Currency, day, USD per unit. A day that has a rate gets the new one.</mat-hint>
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Source</mat-label>
          <input matInput name="source" [(ngModel)]="source" placeholder="ECB reference rates" maxlength="100" />
        </mat-form-field>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="fx-save">Save rates</button>
      </form>
      @for (p of problems(); track p) {
        <p class="error" role="alert">{{ p }}</p>
      }
      @if (saved(); as n) {
        <p role="status" data-testid="fx-saved">{{ n }} rate{{ n === 1 ? '' : 's' }} saved.</p>
      }
    }
  `,
  styles: `
    .sub {
      max-width: 80ch;
    }
    .set {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
      align-items: flex-start;
    }
    .lines {
      min-width: min(420px, 100%);
    }
  `,
})
export class FxRatesPage implements OnInit {
  private readonly api = inject(CostsService);
  private readonly session = inject(SessionStore);
  readonly operator = computed(() => this.session.hasRole('operator', 'admin'));
  readonly rows = signal<FxRateDto[]>([]);
  readonly loaded = signal(false);
  readonly busy = signal(false);
  readonly problems = signal<string[]>([]);
  readonly saved = signal<number | null>(null);
  currency = '';
  lines = '';
  source = '';

  ngOnInit(): void {
    this.load();
  }

  load(): void {
    const currency = this.currency.trim().toUpperCase();
    if (currency && !/^[A-Z]{3}$/.test(currency)) {
      this.problems.set(['A currency is a three-letter code such as EUR.']);
      return;
    }
    this.problems.set([]);
    this.api.listFxRates(currency ? { currency } : {}).subscribe(({ data }) => {
      this.rows.set(data);
      this.loaded.set(true);
    });
  }

  save(): void {
    const { rates, problems } = parseRates(this.lines);
    this.saved.set(null);
    if (!rates.length && !problems.length) problems.push('Type at least one rate, such as EUR 2026-01-15 1.0842.');
    this.problems.set(problems);
    if (problems.length) return;
    this.busy.set(true);
    const source = this.source.trim();
    this.api.setFxRates({ body: { rates, ...(source ? { source } : {}) } }, silentErrors()).subscribe({
      next: ({ stored }) => {
        this.busy.set(false);
        this.saved.set(stored);
        this.lines = '';
        this.load();
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.problems.set([errorText(e, 'The rates were not saved; try again.')]);
      },
    });
  }
}
