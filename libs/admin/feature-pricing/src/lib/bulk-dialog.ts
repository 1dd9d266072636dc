import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { BulkPreviewDto, BulkPriceDto, PriceEditingService, VendorDto } from '@mph/admin-api-client';
import { silentErrors } from '@mph/admin-ui';
import { KNOWN_UNITS } from './price-editor-dialog';

/** A provider-wide percentage change: preview every offering it touches, then apply all in one transaction. */
@Component({
  selector: 'mph-bulk-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  template: `
    <h2 mat-dialog-title>Change a provider’s prices</h2>
    <mat-dialog-content>
      <form [formGroup]="form" class="grid" novalidate>
        <mat-form-field appearance="outline">
          <mat-label>Provider</mat-label>
          <mat-select formControlName="provider" data-testid="bulk-provider">
            @for (v of data.providers; track v.slug) {
              <mat-option [value]="v.slug">{{ v.name }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Change (%)</mat-label>
          <input matInput formControlName="percent" placeholder="-10" data-testid="bulk-percent" />
          <mat-hint>-99 to +1000</mat-hint>
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Units (empty: all)</mat-label>
          <mat-select formControlName="units" multiple>
            @for (u of units; track u) {
              <mat-option [value]="u">{{ u }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Effective from (UTC, empty: now)</mat-label>
          <input matInput type="datetime-local" formControlName="effective_from" />
        </mat-form-field>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Reason</mat-label>
          <input matInput formControlName="reason" data-testid="bulk-reason" />
        </mat-form-field>
      </form>
      @if (preview(); as p) {
        <p data-testid="bulk-summary">
          {{ p.data.length }} price version(s) change from {{ p.effective_from.slice(0, 16).replace('T', ' ') }} UTC;
          {{ p.skipped_unpriced }} offering(s) without a price are left alone.
        </p>
        <ul class="list">
          @for (item of p.data.slice(0, 50); track $index) {
            <li>
              <strong>{{ item.offering.provider_model_id }}</strong>:
              @for (c of item.changes; track $index) {
                @if (c.change !== 'unchanged') {
                  {{ c.unit }} {{ c.before }} → {{ c.after }}{{ $last ? '' : ';' }}
                }
              }
            </li>
          }
        </ul>
      }
      @if (error(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>Cancel</button>
      <button mat-stroked-button type="button" (click)="run(true)" [disabled]="busy()" data-testid="bulk-preview">
        Preview
      </button>
      <button
        mat-flat-button
        type="button"
        (click)="run(false)"
        [disabled]="busy() || !preview()"
        data-testid="bulk-apply"
      >
        Apply
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .grid {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0 16px;
    }
    .wide {
      grid-column: 1 / -1;
    }
    .list {
      max-height: 280px;
      overflow: auto;
    }
  `,
})
export class BulkDialog {
  readonly data = inject<{ providers: VendorDto[] }>(MAT_DIALOG_DATA);
  private readonly api = inject(PriceEditingService);
  private readonly ref = inject(MatDialogRef<BulkDialog, BulkPreviewDto>);
  readonly units = KNOWN_UNITS;
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly preview = signal<BulkPreviewDto | null>(null);
  readonly form = inject(FormBuilder).group({
    provider: ['', Validators.required],
    percent: ['', [Validators.required, Validators.pattern(/^[+-]?\d{1,4}(\.\d{1,6})?$/)]],
    units: [[] as string[]],
    effective_from: [''],
    reason: ['', [Validators.required, Validators.minLength(3)]],
  });

  constructor() {
    this.form.valueChanges.subscribe(() => this.preview.set(null));
  }

  run(dryRun: boolean): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    const body: BulkPriceDto = {
      provider: v.provider ?? '',
      percent: v.percent ?? '',
      reason: v.reason ?? '',
      dry_run: dryRun,
      ...(v.units?.length ? { units: v.units } : {}),
      ...(v.effective_from
        ? { effective_from: new Date(`${v.effective_from}:00Z`).toISOString() }
        : this.preview()
          ? { effective_from: this.preview()?.effective_from }
          : {}),
    };
    this.busy.set(true);
    this.error.set(null);
    this.api.bulkChangePrices({ body }, silentErrors()).subscribe({
      next: (r) => {
        this.busy.set(false);
        if (dryRun) this.preview.set(r);
        else this.ref.close(r);
      },
      error: (e: unknown) => {
        this.busy.set(false);
        const env = e instanceof HttpErrorResponse ? (e.error as { error?: { message?: string } } | null) : null;
        this.error.set(env?.error?.message ?? 'The change was not accepted; try again.');
      },
    });
  }
}
