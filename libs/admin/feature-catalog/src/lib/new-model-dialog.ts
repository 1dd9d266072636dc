import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { CatalogEditingService, CreateModelDto, ModelDetailDto } from '@mph/admin-api-client';
import { applyServerErrors, fieldError, silentErrors } from '@mph/admin-ui';

const FLAGS = ['tool_calling', 'structured_output', 'reasoning', 'vision', 'open_weights'] as const;
export const MODEL_ID = /^[\w.-]{1,100}\/[\w.-]{1,100}$/;

/** The create request from the form: empty optional fields are left out, numbers sent as numbers. */
export function newModelBody(v: {
  id: string;
  display_name: string;
  creator_vendor: string;
  license: string;
  description: string;
  context_window: number | null;
  max_output: number | null;
  tool_calling: boolean;
  structured_output: boolean;
  reasoning: boolean;
  vision: boolean;
  open_weights: boolean;
}): CreateModelDto {
  const body: Record<string, unknown> = { id: v.id.trim(), display_name: v.display_name.trim() };
  for (const key of ['creator_vendor', 'license', 'description'] as const) {
    if (v[key].trim()) body[key] = v[key].trim();
  }
  for (const key of ['context_window', 'max_output'] as const) {
    if (v[key] !== null && String(v[key]) !== '') body[key] = Number(v[key]);
  }
  for (const f of FLAGS) if (v[f]) body[f] = true;
  return body as unknown as CreateModelDto;
}

/**
 * Operators add a model the feeds do not carry (a private finetune, a model announced before its listing): its id,
 * name and capabilities. Offerings and prices are added on its page afterwards.
 */
@Component({
  selector: 'mph-new-model-dialog',
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
    <h2 mat-dialog-title>New model</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="dialog-grid">
        <mat-form-field appearance="outline">
          <mat-label>Id (owner/name)</mat-label>
          <input matInput formControlName="id" placeholder="acme/rocket-8b" data-testid="new-model-id" />
          @if (form.controls.id.invalid) {
            <mat-error>{{ fieldError(form.controls.id, 'owner/name, such as acme/rocket-8b') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Display name</mat-label>
          <input matInput formControlName="display_name" placeholder="Rocket 8B" data-testid="new-model-name" />
          @if (form.controls.display_name.invalid) {
            <mat-error>{{ fieldError(form.controls.display_name) }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Creator (vendor slug, optional)</mat-label>
          <input matInput formControlName="creator_vendor" placeholder="acme" />
          @if (form.controls.creator_vendor.invalid) {
            <mat-error>{{ fieldError(form.controls.creator_vendor) }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>License (optional)</mat-label>
          <input matInput formControlName="license" placeholder="apache-2.0" />
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Context window (tokens)</mat-label>
          <input matInput type="number" min="1" formControlName="context_window" data-testid="new-model-context" />
          @if (form.controls.context_window.invalid) {
            <mat-error>{{ fieldError(form.controls.context_window, 'A whole number of tokens above 0') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Max output (tokens)</mat-label>
          <input matInput type="number" min="1" formControlName="max_output" />
          @if (form.controls.max_output.invalid) {
            <mat-error>{{ fieldError(form.controls.max_output, 'A whole number of tokens above 0') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Description (optional)</mat-label>
          <textarea matInput rows="2" formControlName="description"></textarea>
        </mat-form-field>
        <div class="flags wide">
          @for (f of flags; track f) {
            <mat-checkbox [formControlName]="f">{{ f.replace('_', ' ') }}</mat-checkbox>
          }
        </div>
        @if (error(); as message) {
          <p class="error wide" role="alert">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="new-model-save">Create</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .flags {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
    }
  `,
})
export class NewModelDialog {
  private readonly api = inject(CatalogEditingService);
  private readonly ref = inject(MatDialogRef<NewModelDialog, ModelDetailDto>);
  readonly flags = FLAGS;
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly fieldError = fieldError;
  readonly form = inject(FormBuilder).nonNullable.group({
    id: ['', [Validators.required, Validators.pattern(MODEL_ID)]],
    display_name: ['', [Validators.required, Validators.maxLength(200)]],
    creator_vendor: ['', Validators.maxLength(63)],
    license: [''],
    description: ['', Validators.maxLength(4000)],
    context_window: [null as number | null, Validators.min(1)],
    max_output: [null as number | null, Validators.min(1)],
    tool_calling: [false],
    structured_output: [false],
    reasoning: [false],
    vision: [false],
    open_weights: [false],
  });

  save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    this.api.createModel({ body: newModelBody(this.form.getRawValue()) }, silentErrors()).subscribe({
      next: (created) => this.ref.close(created),
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(applyServerErrors(this.form, e, 'The model was not created; try again.'));
      },
    });
  }
}
