import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { AbstractControl, FormBuilder, ReactiveFormsModule, ValidationErrors, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { AuthService } from '@mph/admin-api-client';
import { silentErrors } from '@mph/admin-ui';

const sameAsNew = (group: AbstractControl): ValidationErrors | null =>
  group.get('next')?.value === group.get('confirm')?.value ? null : { mismatch: true };

/** Change your own password; the API ends your other sessions. Closes with true on success. */
@Component({
  selector: 'mph-change-password-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule],
  template: `
    <h2 mat-dialog-title>Change password</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <mat-dialog-content>
        <mat-form-field appearance="outline">
          <mat-label>Current password</mat-label>
          <input matInput type="password" formControlName="current" autocomplete="current-password" />
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>New password</mat-label>
          <input matInput type="password" formControlName="next" autocomplete="new-password" />
          <mat-hint>At least 12 characters.</mat-hint>
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>New password again</mat-label>
          <input matInput type="password" formControlName="confirm" autocomplete="new-password" />
        </mat-form-field>
        @if (form.hasError('mismatch') && form.controls.confirm.touched) {
          <p class="error">The new passwords differ.</p>
        }
        @if (error(); as message) {
          <p class="error" role="alert">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()">Change password</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    mat-form-field {
      display: block;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class ChangePasswordDialog {
  private readonly api = inject(AuthService);
  private readonly ref = inject(MatDialogRef<ChangePasswordDialog, boolean>);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).nonNullable.group(
    {
      current: ['', Validators.required],
      next: ['', [Validators.required, Validators.minLength(12), Validators.maxLength(200)]],
      confirm: ['', Validators.required],
    },
    { validators: sameAsNew },
  );

  submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.error.set(
        this.form.controls.next.hasError('minlength') ? 'The new password needs at least 12 characters.' : null,
      );
      return;
    }
    this.busy.set(true);
    const { current, next } = this.form.getRawValue();
    this.api.changePassword({ body: { current_password: current, new_password: next } }, silentErrors()).subscribe({
      next: () => this.ref.close(true),
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(
          e instanceof HttpErrorResponse && e.status === 400
            ? 'The current password is wrong.'
            : 'Changing the password failed; try again.',
        );
      },
    });
  }
}
