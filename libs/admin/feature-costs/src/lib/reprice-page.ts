import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { CostsService, RepriceDto, RepriceResultDto } from '@mph/admin-api-client';
import { applyServerErrors, confirmAction, fieldError, formatMoney, MoneyPipe, silentErrors } from '@mph/admin-ui';
import { filter } from 'rxjs';
import { CostsLinks } from './costs-links';

/** The day after `day` (YYYY-MM-DD), for an inclusive last day sent as an exclusive instant. */
export function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The request for a window of whole UTC days, first and last included. */
export function repriceRequest(
  v: { from: string; to: string; provider: string; model: string; reason: string },
  offeringId: string | null = null,
): RepriceDto {
  return {
    from: `${v.from}T00:00:00Z`,
    to: `${dayAfter(v.to)}T00:00:00Z`,
    reason: v.reason.trim(),
    ...(v.provider.trim() ? { provider: v.provider.trim() } : {}),
    ...(v.model.trim() ? { model: v.model.trim() } : {}),
    ...(offeringId ? { offering_id: offeringId } : {}),
  };
}

/** "+$0.05" or, when the window's calls are in several currencies, each total: "+$0.05, −€1.20". */
export function totalsText(totals: { currency: string; delta: string }[]): string {
  return totals.map((t) => `${signed(t.delta)}${formatMoney(t.delta.replace(/^-/, ''), t.currency)}`).join(', ');
}

/** "−$0.01" / "+$0.06": a change of cost with its sign. */
export function signed(delta: string): string {
  return delta.startsWith('-') ? '−' : delta === '0' ? '' : '+';
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Re-pricing (operators): after a price correction, recompute a window's costs with the price history as it is now.
 * A preview (dry run) comes first and says what would move, per model and call by call; applying writes adjustments
 * (originals kept), moves the reports and is audited.
 */
@Component({
  selector: 'mph-reprice-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    DecimalPipe,
    MoneyPipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    CostsLinks,
  ],
  template: `
    <mph-costs-links />
    <header class="page-header"><h1>Re-price past calls</h1></header>
    <p class="sub">
      After a price was corrected, recompute the cost of the calls in a window with the prices as they are now (each at
      its own instant). Calls keep their original cost; each difference becomes an adjustment that the reports include.
      Preview first: nothing changes until you apply.
    </p>
    <form [formGroup]="form" (ngSubmit)="preview()" class="filters" novalidate>
      <mat-form-field appearance="outline">
        <mat-label>First day (UTC)</mat-label>
        <input matInput type="date" formControlName="from" data-testid="reprice-from" />
        @if (form.controls.from.invalid) {
          <mat-error>{{ fieldError(form.controls.from) }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Last day (UTC, included)</mat-label>
        <input matInput type="date" formControlName="to" data-testid="reprice-to" />
        @if (form.controls.to.invalid) {
          <mat-error>{{ fieldError(form.controls.to, 'On or after the first day') }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Provider (optional)</mat-label>
        <input matInput formControlName="provider" placeholder="openai" data-testid="reprice-provider" />
        @if (form.controls.provider.invalid) {
          <mat-error>{{ fieldError(form.controls.provider, 'A provider slug such as openai') }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Model (optional)</mat-label>
        <input matInput formControlName="model" placeholder="openai/o3" data-testid="reprice-model" />
        <mat-hint>As sent or as resolved</mat-hint>
        @if (form.controls.model.invalid) {
          <mat-error>{{ fieldError(form.controls.model, 'A model id such as openai/o3') }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline" class="reason">
        <mat-label>Reason (kept in the audit log)</mat-label>
        <input matInput formControlName="reason" data-testid="reprice-reason" />
        @if (form.controls.reason.invalid) {
          <mat-error>{{ fieldError(form.controls.reason, '3 to 500 characters') }}</mat-error>
        }
      </mat-form-field>
      <button mat-flat-button type="submit" [disabled]="busy()" data-testid="reprice-preview">Preview</button>
    </form>
    @if (offering(); as o) {
      <p class="sub" data-testid="reprice-offering">
        Only the calls priced by the corrected offering, {{ o.label }} (whatever model spelling they sent).
        <button mat-button type="button" (click)="clearOffering()">Use provider and model instead</button>
      </p>
    }
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    @if (result(); as r) {
      <section class="result" aria-live="polite" data-testid="reprice-result">
        <h2>{{ r.dry_run ? 'Preview' : 'Applied' }}</h2>
        <p data-testid="reprice-summary">
          {{ r.events | number }} call{{ r.events === 1 ? '' : 's' }} in the window;
          @if (r.adjusted) {
            <strong>{{ r.adjusted | number }} {{ r.dry_run ? 'would change' : 'changed' }}</strong>
            by <strong>{{ totalsText(r.totals) }}</strong> in total{{
              r.newly_priced ? ', ' + r.newly_priced + ' of them unpriced until now' : ''
            }}.
          } @else {
            none {{ r.dry_run ? 'would change' : 'changed' }}: their costs already match the prices.
          }
          @if (r.still_unpriced) {
            {{ r.still_unpriced | number }} stay unpriced (no price for them at their instant).
          }
        </p>
        @if (r.by_model.length) {
          <table class="plain-table" data-testid="reprice-by-model">
            <caption class="cdk-visually-hidden">
              Change per model
            </caption>
            <thead>
              <tr>
                <th scope="col">Provider · model</th>
                <th scope="col" class="num">Calls</th>
                <th scope="col" class="num">Change</th>
              </tr>
            </thead>
            <tbody>
              @for (m of r.by_model; track m.provider + m.model + m.currency) {
                <tr>
                  <td>{{ m.provider }} · {{ m.model }}</td>
                  <td class="num">{{ m.adjusted | number }}</td>
                  <td class="num">{{ signed(m.delta) }}{{ abs(m.delta) | money: m.currency }}</td>
                </tr>
              }
            </tbody>
          </table>
          <h3>Largest changes</h3>
          <table class="plain-table" data-testid="reprice-largest">
            <thead>
              <tr>
                <th scope="col">Call</th>
                <th scope="col">When</th>
                <th scope="col">Model</th>
                <th scope="col" class="num">Was</th>
                <th scope="col" class="num">Now</th>
              </tr>
            </thead>
            <tbody>
              @for (c of r.largest; track c.event_id) {
                <tr>
                  <td>#{{ c.event_id }}</td>
                  <td>{{ c.occurred_at | date: 'yyyy-MM-dd HH:mm' : 'UTC' }}</td>
                  <td>{{ c.provider }} · {{ c.model }}</td>
                  <td class="num">{{ c.old_cost | money: c.currency : 'unpriced' }}</td>
                  <td class="num">{{ c.new_cost | money: c.currency }}</td>
                </tr>
              }
            </tbody>
          </table>
        }
        @if (r.dry_run && r.adjusted) {
          <p>
            <button mat-flat-button type="button" (click)="apply()" [disabled]="busy()" data-testid="reprice-apply">
              Apply to {{ r.adjusted | number }} call{{ r.adjusted === 1 ? '' : 's' }}
            </button>
          </p>
        }
        @if (!r.dry_run) {
          <p data-testid="reprice-done">
            Run {{ r.run_id }} is in the
            <a routerLink="/admin/audit" [queryParams]="{ action: 'costs.repriced' }">audit log</a>; the
            <a routerLink="/costs">cost reports</a> include it now.
          </p>
        }
      </section>
    }
  `,
  styles: `
    .sub {
      max-width: 80ch;
    }
    .reason {
      min-width: 320px;
    }
  `,
})
export class RepricePage {
  private readonly api = inject(CostsService);
  private readonly dialog = inject(MatDialog);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly result = signal<RepriceResultDto | null>(null);
  readonly fieldError = fieldError;
  readonly signed = signed;
  readonly totalsText = totalsText;
  /** The offering a price correction named (from its link); null: provider and model select the calls. */
  readonly offering = signal<{ id: string; label: string } | null>(null);
  readonly abs = (d: string) => d.replace(/^-/, '');
  readonly form = inject(FormBuilder).nonNullable.group({
    from: [today(), Validators.required],
    to: [today(), Validators.required],
    provider: ['', Validators.pattern(/^[\w.-]{0,64}$/)],
    model: ['', Validators.pattern(/^[\w.:@/-]{0,200}$/)],
    reason: ['', [Validators.required, Validators.minLength(3), Validators.maxLength(500)]],
  });
  /** The request the shown preview answered: applying sends exactly it (inputs edited since need a new preview). */
  private previewed: RepriceDto | null = null;

  constructor() {
    // A price correction links here with its window (whole days), provider, model and reason filled in.
    const q = inject(ActivatedRoute).snapshot.queryParamMap;
    const day = /^\d{4}-\d{2}-\d{2}$/;
    const offering = q.get('offering');
    if (offering && /^[0-9a-f-]{36}$/i.test(offering)) {
      this.offering.set({ id: offering, label: q.get('label') ?? offering });
    }
    this.form.patchValue({
      ...(day.test(q.get('from') ?? '') ? { from: q.get('from') as string } : {}),
      ...(day.test(q.get('to') ?? '') ? { to: q.get('to') as string } : {}),
      provider: q.get('provider') ?? '',
      model: q.get('model') ?? '',
      reason: q.get('reason') ?? '',
    });
    // Editing the inputs makes a shown preview stale: it cannot be applied any more.
    this.form.valueChanges.subscribe(() => {
      if (this.result()?.dry_run) this.result.set(null);
      this.previewed = null;
    });
  }

  clearOffering(): void {
    this.offering.set(null);
    if (this.result()?.dry_run) this.result.set(null);
    this.previewed = null;
  }

  preview(): void {
    const v = this.form.getRawValue();
    // Re-check the order from scratch (a day fixed on either side clears an earlier "order" error).
    this.form.controls.to.updateValueAndValidity({ emitEvent: false });
    if (v.from && v.to && v.to < v.from) this.form.controls.to.setErrors({ order: true });
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const body = repriceRequest(v, this.offering()?.id ?? null);
    this.run({ ...body, dry_run: true }, (r) => {
      this.result.set(r);
      this.previewed = body;
    });
  }

  apply(): void {
    const body = this.previewed;
    const r = this.result();
    if (!body || !r) return;
    confirmAction(this.dialog, {
      title: `Re-price ${r.adjusted} call${r.adjusted === 1 ? '' : 's'}?`,
      message:
        `Adjustments of ${totalsText(r.totals)} in total are written and the reports move; the original costs stay ` +
        'on the calls. Calls recorded since the preview are re-priced too.',
      confirm: 'Apply',
    })
      .pipe(filter(Boolean))
      .subscribe(() => this.run(body, (done) => this.result.set(done)));
  }

  private run(body: RepriceDto, done: (r: RepriceResultDto) => void): void {
    this.busy.set(true);
    this.error.set(null);
    this.api.repriceCosts({ body }, silentErrors()).subscribe({
      next: (r) => {
        this.busy.set(false);
        done(r);
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(applyServerErrors(this.form, e, 'Re-pricing failed; try again.'));
      },
    });
  }
}
