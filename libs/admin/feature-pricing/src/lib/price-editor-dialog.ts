import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormArray, FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import {
  PriceChangeDto,
  PriceEditingService,
  PricePreviewDto,
  PriceVersionDto,
  SetPriceDto,
} from '@mph/admin-api-client';
import { conditionLabel, silentErrors } from '@mph/admin-ui';

export interface PriceEditorData {
  offeringId: string;
  title: string;
  /** The version in force now (its components prefill the editor), if any. */
  current: PriceVersionDto | null;
}

const DECIMAL = /^(0|[1-9]\d{0,11})(\.\d{1,18})?$/;

/** What is wrong with a typed amount, in words (the field shows it). */
export function amountProblem(value: string | null): string {
  const v = (value ?? '').trim();
  if (!v) return 'Enter an amount (0 means free)';
  if (v.startsWith('-')) return 'A price cannot be negative (0 means free)';
  if (/e/i.test(v)) return 'Write it out, such as 0.0000025, not in e-notation';
  return 'A decimal such as 1.25 (per 1M tokens, or per item)';
}
export const KNOWN_UNITS = [
  'input',
  'output',
  'cache_read',
  'cache_write',
  'cache_write_1h',
  'reasoning',
  'input_audio',
  'output_audio',
  'image_input',
  'image_output',
  'request',
  'web_search',
];

/** Input and output first, then the other known units, then the rest; base before tiers. */
function sortComponents<T extends { unit: string; prompt_tokens_above: number }>(list: T[]): T[] {
  const rank = (u: string) => KNOWN_UNITS.indexOf(u) + 1 || KNOWN_UNITS.length + 1;
  return [...list].sort(
    (a, b) =>
      rank(a.unit) - rank(b.unit) || a.unit.localeCompare(b.unit) || a.prompt_tokens_above - b.prompt_tokens_above,
  );
}

/**
 * Operators edit an offering's prices: the complete component list with tiers and windows, an effective instant
 * (now or later), a reason. "Preview" shows the diff the server computes; only then can the change be saved.
 */
@Component({
  selector: 'mph-price-editor-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
  ],
  template: `
    <h2 mat-dialog-title>Edit prices · {{ data.title }}</h2>
    <mat-dialog-content>
      <form [formGroup]="form" novalidate>
        <div class="row">
          <mat-form-field appearance="outline">
            <mat-label>Service tier</mat-label>
            <mat-select formControlName="service_tier" data-testid="price-tier">
              @for (t of tiers; track t) {
                <mat-option [value]="t">{{ t }}</mat-option>
              }
            </mat-select>
          </mat-form-field>
          <mat-checkbox formControlName="now" data-testid="price-now">Effective now</mat-checkbox>
          @if (!form.controls.now.value) {
            <mat-form-field appearance="outline">
              <mat-label>Effective from (UTC)</mat-label>
              <input matInput type="datetime-local" formControlName="effective_from" data-testid="price-effective" />
              <mat-hint>A future instant takes effect by itself</mat-hint>
            </mat-form-field>
            @if (backdated()) {
              <mat-checkbox formControlName="correction" data-testid="price-correction">
                Correct past prices (audited; re-price the usage since then afterwards)
              </mat-checkbox>
            }
          }
        </div>
        <div formArrayName="components" class="components">
          <div class="head">
            <span>Unit</span><span>Amount (USD)</span><span>Prompt above (tokens)</span><span>Window (UTC)</span
            ><span></span>
          </div>
          @for (c of components.controls; track $index; let i = $index) {
            <div class="comp" [formGroupName]="i" [attr.data-testid]="'component-' + i">
              <mat-form-field appearance="outline" subscriptSizing="dynamic">
                <input
                  matInput
                  formControlName="unit"
                  [attr.list]="'units'"
                  aria-label="Unit"
                  [attr.data-testid]="'unit-' + i"
                />
                @if (c.controls.unit.invalid && c.controls.unit.touched) {
                  <mat-error>{{
                    c.controls.unit.value ? 'Lower-case letters, digits and _' : 'Pick a unit'
                  }}</mat-error>
                }
              </mat-form-field>
              <mat-form-field appearance="outline" subscriptSizing="dynamic">
                <input matInput formControlName="amount" aria-label="Amount" [attr.data-testid]="'amount-' + i" />
                @if (c.controls.amount.invalid && c.controls.amount.touched) {
                  <mat-error>{{ amountProblem(c.controls.amount.value) }}</mat-error>
                }
              </mat-form-field>
              <mat-form-field appearance="outline" subscriptSizing="dynamic">
                <input matInput type="number" formControlName="prompt_tokens_above" aria-label="Tier threshold" />
              </mat-form-field>
              <div class="window">
                <mat-form-field appearance="outline" subscriptSizing="dynamic">
                  <input matInput formControlName="window_start" placeholder="HH:MM" aria-label="Window start" />
                </mat-form-field>
                <mat-form-field appearance="outline" subscriptSizing="dynamic">
                  <input matInput formControlName="window_end" placeholder="HH:MM" aria-label="Window end" />
                </mat-form-field>
              </div>
              <button
                mat-icon-button
                type="button"
                (click)="remove(i)"
                [attr.aria-label]="'Remove component ' + (i + 1)"
              >
                <mat-icon svgIcon="delete" />
              </button>
            </div>
          }
          <datalist id="units">
            @for (u of units; track u) {
              <option [value]="u"></option>
            }
          </datalist>
          <button mat-button type="button" (click)="add()" data-testid="add-component">Add component</button>
        </div>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Reason (kept in the audit log)</mat-label>
          <input matInput formControlName="reason" data-testid="price-reason" />
          @if (form.controls.reason.invalid && form.controls.reason.touched) {
            <mat-error>Say why, in a few words</mat-error>
          }
        </mat-form-field>
      </form>
      @if (preview(); as p) {
        <h3 class="section">Changes from {{ p.effective_from.slice(0, 16).replace('T', ' ') }} UTC</h3>
        @if (p.effective_to) {
          <p class="sub">Until {{ p.effective_to.slice(0, 16).replace('T', ' ') }} UTC, when a later version starts.</p>
        }
        <table mat-table [dataSource]="p.changes" class="table" data-testid="price-diff">
          <ng-container matColumnDef="unit">
            <th mat-header-cell *matHeaderCellDef>Unit</th>
            <td mat-cell *matCellDef="let c">
              {{ c.unit }} <span class="sub">{{ condition(c) }}</span>
            </td>
          </ng-container>
          <ng-container matColumnDef="before">
            <th mat-header-cell *matHeaderCellDef class="num">Before</th>
            <td mat-cell *matCellDef="let c" class="amount">{{ c.before ?? '—' }}</td>
          </ng-container>
          <ng-container matColumnDef="after">
            <th mat-header-cell *matHeaderCellDef class="num">After</th>
            <td mat-cell *matCellDef="let c" class="amount" [class.changed]="c.change !== 'unchanged'">
              {{ c.after ?? '—' }}
            </td>
          </ng-container>
          <ng-container matColumnDef="change">
            <th mat-header-cell *matHeaderCellDef>Change</th>
            <td mat-cell *matCellDef="let c" [attr.data-testid]="'change-' + c.unit">{{ changeLabel(c) }}</td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="diffColumns"></tr>
          <tr mat-row *matRowDef="let row; columns: diffColumns"></tr>
        </table>
      }
      @if (error(); as message) {
        <p class="error" role="alert" data-testid="price-error">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>Cancel</button>
      <button mat-stroked-button type="button" (click)="run(true)" [disabled]="busy()" data-testid="price-preview">
        Preview changes
      </button>
      <button
        mat-flat-button
        type="button"
        (click)="run(false)"
        [disabled]="busy() || !preview()"
        data-testid="price-save"
      >
        Save
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .row {
      display: flex;
      gap: 16px;
      align-items: center;
      flex-wrap: wrap;
      padding-top: 8px;
    }
    .components {
      margin: 8px 0 16px;
    }
    .head,
    .comp {
      display: grid;
      grid-template-columns: 1.2fr 1fr 1fr 1.4fr 40px;
      gap: 8px;
      align-items: center;
    }
    .head {
      font: var(--mat-sys-label-medium);
      color: var(--mat-sys-on-surface-variant);
      margin-bottom: 4px;
    }
    .comp {
      margin-bottom: 6px;
    }
    .window {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 4px;
    }
    .wide {
      width: 100%;
    }
    .changed {
      font-weight: 600;
    }
  `,
})
export class PriceEditorDialog {
  readonly amountProblem = amountProblem;
  readonly data = inject<PriceEditorData>(MAT_DIALOG_DATA);
  private readonly api = inject(PriceEditingService);
  private readonly ref = inject(MatDialogRef<PriceEditorDialog, PricePreviewDto>);
  private readonly fb = inject(FormBuilder);
  readonly tiers = ['standard', 'batch', 'flex', 'priority'];
  readonly units = KNOWN_UNITS;
  readonly diffColumns = ['unit', 'before', 'after', 'change'];
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly preview = signal<PricePreviewDto | null>(null);
  readonly components = this.fb.array(
    sortComponents(
      this.data.current?.components ?? [
        { unit: 'input', amount: '', per: '1M tokens', prompt_tokens_above: 0, window_start: null, window_end: null },
        { unit: 'output', amount: '', per: '1M tokens', prompt_tokens_above: 0, window_start: null, window_end: null },
      ],
    ).map((c) => this.row(c.unit, c.amount, c.prompt_tokens_above, c.window_start, c.window_end)),
  );
  readonly form = this.fb.group({
    service_tier: [this.data.current?.service_tier ?? 'standard'],
    now: [true],
    effective_from: [''],
    correction: [false],
    reason: ['', [Validators.required, Validators.minLength(3)]],
    components: this.components as FormArray,
  });

  constructor() {
    // Any edit makes the preview stale: it must be asked for again before saving.
    this.form.valueChanges.subscribe(() => this.preview.set(null));
  }

  private row(unit = '', amount = '', above = 0, start: string | null = null, end: string | null = null) {
    return this.fb.group({
      unit: [unit, [Validators.required, Validators.pattern(/^[a-z][a-z0-9_]{0,39}$/)]],
      amount: [amount, [Validators.required, Validators.pattern(DECIMAL)]],
      prompt_tokens_above: [above],
      window_start: [start?.slice(0, 5) ?? ''],
      window_end: [end?.slice(0, 5) ?? ''],
    });
  }

  add(): void {
    this.components.push(this.row());
  }

  remove(i: number): void {
    this.components.removeAt(i);
  }

  /** A start more than 15 minutes in the past rewrites priced history: the API wants it marked as a correction. */
  backdated(): boolean {
    const v = this.form.controls.effective_from.value;
    return !!v && new Date(`${v}:00Z`).getTime() < Date.now() - 15 * 60_000;
  }

  changeLabel(c: PriceChangeDto): string {
    return c.change === 'changed' && c.ratio ? `changed (×${c.ratio})` : c.change;
  }

  condition(c: PriceChangeDto): string {
    return conditionLabel(c);
  }

  private body(dryRun: boolean): SetPriceDto | null {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.error.set('Fix the marked fields.');
      return null;
    }
    const v = this.form.getRawValue();
    if (!v.now && !v.effective_from) {
      this.error.set('Give the instant the prices take effect, or tick "Effective now".');
      return null;
    }
    return {
      service_tier: v.service_tier as SetPriceDto['service_tier'],
      reason: v.reason ?? '',
      dry_run: dryRun,
      ...(v.now ? {} : { effective_from: new Date(`${v.effective_from}:00Z`).toISOString() }),
      ...(!v.now && v.correction && this.backdated() ? { correction: true } : {}),
      components: this.components.getRawValue().map((c) => ({
        unit: c.unit ?? '',
        amount: c.amount ?? '',
        ...(c.prompt_tokens_above ? { prompt_tokens_above: Number(c.prompt_tokens_above) } : {}),
        ...(c.window_start && c.window_end ? { window_start: c.window_start, window_end: c.window_end } : {}),
      })),
    };
  }

  run(dryRun: boolean): void {
    const body = this.body(dryRun);
    if (!body) return;
    // "Now" is fixed at the preview so that saving applies exactly what was previewed.
    const previewed = this.preview();
    if (!dryRun && previewed && !body.effective_from) body.effective_from = previewed.effective_from;
    this.busy.set(true);
    this.error.set(null);
    this.api.setOfferingPrice({ id: this.data.offeringId, body }, silentErrors()).subscribe({
      next: (result) => {
        this.busy.set(false);
        if (dryRun) this.preview.set(result);
        else this.ref.close(result);
      },
      error: (e: unknown) => {
        this.busy.set(false);
        const env = e instanceof HttpErrorResponse ? (e.error as { error?: { message?: string } } | null) : null;
        this.error.set(env?.error?.message ?? 'The server did not accept these prices; try again.');
      },
    });
  }
}
