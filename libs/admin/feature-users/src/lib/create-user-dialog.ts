import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { CreatedUserDto, UserDto, UsersService } from '@mph/admin-api-client';
import { silentErrors } from '@mph/admin-ui';

@Component({
  selector: 'mph-create-user-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  template: `
    <h2 mat-dialog-title>New user</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <mat-dialog-content>
        <mat-form-field appearance="outline">
          <mat-label>Email</mat-label>
          <input matInput type="email" formControlName="email" />
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Name</mat-label>
          <input matInput formControlName="display_name" />
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Role</mat-label>
          <mat-select formControlName="role">
            <mat-option value="member">member: chat, own keys and costs</mat-option>
            <mat-option value="operator">operator: catalog, prices, syncs, all usage</mat-option>
            <mat-option value="admin">admin: everything, including users</mat-option>
          </mat-select>
        </mat-form-field>
        <p class="hint">A strong password is generated and shown once.</p>
        @if (error(); as message) {
          <p class="error" role="alert">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()">Create</button>
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
export class CreateUserDialog {
  private readonly api = inject(UsersService);
  private readonly ref = inject(MatDialogRef<CreateUserDialog, CreatedUserDto>);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email, Validators.maxLength(320)]],
    display_name: ['', Validators.maxLength(100)],
    role: ['member' as UserDto['role'], Validators.required],
  });

  submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.error.set('Enter a valid email address.');
      return;
    }
    this.busy.set(true);
    const v = this.form.getRawValue();
    this.api
      .createUser(
        { body: { email: v.email, role: v.role, ...(v.display_name ? { display_name: v.display_name } : {}) } },
        silentErrors(),
      )
      .subscribe({
        next: (created) => this.ref.close(created),
        error: (e: unknown) => {
          this.busy.set(false);
          const body = e instanceof HttpErrorResponse ? (e.error as { error?: { message?: string } }) : undefined;
          this.error.set(body?.error?.message ?? 'Creating the user failed; try again.');
        },
      });
  }
}
