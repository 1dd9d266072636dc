import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ApiKeysService, CreatedApiKeyDto, CreateApiKeyDto } from '@mph/admin-api-client';
import { silentErrors } from '@mph/admin-ui';

type Scope = CreateApiKeyDto['scopes'][number];

export const SCOPES: { value: Scope; label: string }[] = [
  { value: 'catalog:read', label: 'catalog:read: read models and prices' },
  { value: 'usage:write', label: 'usage:write: report LLM usage events' },
  { value: 'usage:read', label: 'usage:read: read usage and costs' },
  { value: 'budgets:write', label: 'budgets:write: create and delete budgets' },
  { value: 'gateway', label: 'gateway: call models through the OpenAI-compatible gateway' },
];

@Component({
  selector: 'mph-create-api-key-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  template: `
    <h2 mat-dialog-title>Create API key</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <mat-dialog-content>
        <mat-form-field appearance="outline">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" placeholder="e.g. billing dashboard" />
        </mat-form-field>
        <fieldset class="scopes">
          <legend>Scopes</legend>
          @for (s of scopes; track s.value) {
            <mat-checkbox [checked]="selected().includes(s.value)" (change)="toggle(s.value, $event.checked)">{{
              s.label
            }}</mat-checkbox>
          }
        </fieldset>
        <mat-form-field appearance="outline">
          <mat-label>Expires (optional)</mat-label>
          <input matInput type="date" formControlName="expires" />
          <mat-hint>Leave empty for a key that does not expire.</mat-hint>
        </mat-form-field>
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
    .scopes {
      display: flex;
      flex-direction: column;
      border: none;
      padding: 0;
      margin: 0 0 16px;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class CreateApiKeyDialog {
  private readonly api = inject(ApiKeysService);
  private readonly ref = inject(MatDialogRef<CreateApiKeyDialog, CreatedApiKeyDto>);
  readonly scopes = SCOPES;
  readonly selected = signal<Scope[]>(['catalog:read']);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    expires: [''],
  });

  toggle(scope: Scope, on: boolean): void {
    this.selected.update((s) => (on ? [...new Set([...s, scope])] : s.filter((x) => x !== scope)));
  }

  submit(): void {
    const { name, expires } = this.form.getRawValue();
    if (this.form.invalid || !name.trim()) {
      this.error.set('Give the key a name (up to 100 characters).');
      return;
    }
    if (this.selected().length === 0) {
      this.error.set('Choose at least one scope.');
      return;
    }
    this.busy.set(true);
    // A date input means "until the end of that day" in the user's time zone.
    const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined;
    this.api
      .createApiKey(
        { body: { name: name.trim(), scopes: this.selected(), ...(expiresAt ? { expires_at: expiresAt } : {}) } },
        silentErrors(),
      )
      .subscribe({
        next: (created) => this.ref.close(created),
        error: (e: unknown) => {
          this.busy.set(false);
          const body = e instanceof HttpErrorResponse ? (e.error as { error?: { message?: string } }) : undefined;
          this.error.set(body?.error?.message ?? 'Creating the key failed; try again.');
        },
      });
  }
}
