import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { BudgetDto, BudgetsService, UpdateBudgetDto } from '@mph/admin-api-client';
import { applyServerErrors, compareDecimal, fieldError, silentErrors } from '@mph/admin-ui';

/** A positive amount in dollars with up to 6 decimals (the API refuses 0: nobody could spend under it). */
export const BUDGET_AMOUNT = /^(?!0+(\.0+)?$)\d{1,9}(\.\d{1,6})?$/;

/**
 * What an edit sends: only what changed. The webhook is kept unless a new address is typed (a new signing secret
 * comes back) or "stop posting alerts" is ticked.
 */
export function budgetChanges(
  b: Pick<BudgetDto, 'name' | 'amount' | 'mode'>,
  v: { name: string; amount: string; mode: string; webhook_url: string; remove_webhook: boolean },
): UpdateBudgetDto {
  const body: UpdateBudgetDto = {};
  if (v.name.trim() && v.name.trim() !== b.name) body.name = v.name.trim();
  if (BUDGET_AMOUNT.test(v.amount.trim()) && compareDecimal(v.amount.trim(), b.amount) !== 0)
    body.amount = v.amount.trim();
  if (v.mode !== b.mode) body.mode = v.mode as 'hard' | 'soft';
  if (v.remove_webhook) body.webhook_url = null;
  else if (v.webhook_url.trim()) body.webhook_url = v.webhook_url.trim();
  return body;
}

/** Edit a budget's name, amount, mode or alert webhook; its scope and period stay (they define what it counts). */
@Component({
  selector: 'mph-budget-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
  ],
  template: `
    <h2 mat-dialog-title>Edit {{ budget.name }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="dialog-grid">
        <p class="wide sub">
          On {{ scopeText }} · {{ budget.period }}. To count other spend or another period, add a new budget.
        </p>
        <mat-form-field appearance="outline">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" data-testid="budget-edit-name" />
          @if (form.controls.name.invalid) {
            <mat-error>{{ fieldError(form.controls.name) }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Amount (USD per {{ budget.period === 'daily' ? 'day' : 'month' }})</mat-label>
          <input matInput formControlName="amount" inputmode="decimal" data-testid="budget-edit-amount" />
          <mat-hint>Applies to this period at once</mat-hint>
          @if (form.controls.amount.invalid) {
            <mat-error>{{ fieldError(form.controls.amount, 'An amount above 0, such as 50 or 12.5') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Mode</mat-label>
          <mat-select formControlName="mode" data-testid="budget-edit-mode">
            <mat-option value="soft">soft (alert)</mat-option>
            <mat-option value="hard">hard (block)</mat-option>
          </mat-select>
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>{{ budget.has_webhook ? 'New alert webhook' : 'Alert webhook (optional)' }}</mat-label>
          <input matInput formControlName="webhook_url" placeholder="https://hooks.example.com/budgets" />
          @if (budget.has_webhook) {
            <mat-hint>Leave empty to keep the current one</mat-hint>
          }
          @if (form.controls.webhook_url.invalid) {
            <mat-error>{{ fieldError(form.controls.webhook_url, 'An https:// address') }}</mat-error>
          }
        </mat-form-field>
        @if (budget.has_webhook) {
          <mat-checkbox class="wide" formControlName="remove_webhook">Stop posting alerts to the webhook</mat-checkbox>
        }
        @if (error(); as message) {
          <p class="error wide" role="alert">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="budget-edit-save">Save</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .sub {
      margin: 0 0 8px;
    }
  `,
})
export class BudgetDialog {
  readonly budget = inject<BudgetDto>(MAT_DIALOG_DATA);
  private readonly api = inject(BudgetsService);
  private readonly ref = inject(MatDialogRef<BudgetDialog, BudgetDto>);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly fieldError = fieldError;
  readonly scopeText =
    this.budget.scope === 'user'
      ? `${this.budget.scope_name ?? 'a user'}’s usage`
      : `${this.budget.scope === 'project' ? 'project' : 'API key'} ${this.budget.scope_name ?? this.budget.scope_id}`;
  readonly form = inject(FormBuilder).nonNullable.group({
    name: [this.budget.name, [Validators.required, Validators.maxLength(100)]],
    amount: [this.budget.amount, [Validators.required, Validators.pattern(BUDGET_AMOUNT)]],
    mode: [this.budget.mode],
    webhook_url: [''],
    remove_webhook: [false],
  });

  save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const body = budgetChanges(this.budget, this.form.getRawValue());
    if (!Object.keys(body).length) {
      this.ref.close();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    this.api.updateBudget({ id: this.budget.id, body }, silentErrors()).subscribe({
      next: (saved) => this.ref.close(saved),
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(applyServerErrors(this.form, e, 'The budget was not saved; try again.'));
      },
    });
  }
}
