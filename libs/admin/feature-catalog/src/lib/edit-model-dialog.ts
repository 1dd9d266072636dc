import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { CatalogEditingService, ModelDetailDto, UpdateModelDto } from '@mph/admin-api-client';
import { applyServerErrors, silentErrors } from '@mph/admin-ui';

const FLAGS = ['tool_calling', 'structured_output', 'reasoning', 'vision', 'open_weights'] as const;

/** Operators edit a model's names and capabilities; the server's validation errors land on the fields. */
/** "a, b ,, c" → ["a", "b", "c"] (unique, in order). */
export const aliasList = (text: string) => [
  ...new Set(
    text
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  ),
];

@Component({
  selector: 'mph-edit-model-dialog',
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
    <h2 mat-dialog-title>Edit {{ model.id }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="grid">
        <mat-form-field appearance="outline">
          <mat-label>Display name</mat-label>
          <input matInput formControlName="display_name" />
          @if (form.controls.display_name.hasError('server')) {
            <mat-error>{{ form.controls.display_name.getError('server') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>License</mat-label>
          <input matInput formControlName="license" />
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Context window (tokens)</mat-label>
          <input matInput type="number" formControlName="context_window" data-testid="edit-context-window" />
          @if (form.controls.context_window.hasError('server')) {
            <mat-error data-testid="context-window-error">{{
              form.controls.context_window.getError('server')
            }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Max output (tokens)</mat-label>
          <input matInput type="number" formControlName="max_output" />
          @if (form.controls.max_output.hasError('server')) {
            <mat-error>{{ form.controls.max_output.getError('server') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Deprecation date</mat-label>
          <input matInput formControlName="deprecation_date" placeholder="YYYY-MM-DD" />
          @if (form.controls.deprecation_date.hasError('server')) {
            <mat-error>{{ form.controls.deprecation_date.getError('server') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Aliases (other ids clients use, comma-separated)</mat-label>
          <input matInput formControlName="aliases" data-testid="edit-aliases" />
          @if (form.controls.aliases.hasError('server')) {
            <mat-error data-testid="aliases-error">{{ form.controls.aliases.getError('server') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Description</mat-label>
          <textarea matInput rows="3" formControlName="description"></textarea>
        </mat-form-field>
        <div class="flags wide">
          @for (f of flags; track f) {
            <mat-checkbox [formControlName]="f">{{ f.replace('_', ' ') }}</mat-checkbox>
          }
        </div>
        <p class="hint wide">Capabilities you change here are kept over the feeds' values in later syncs.</p>
        @if (pinned.length) {
          <p class="wide" data-testid="pinned">
            Set by an operator: {{ pinned.join(', ') }}.
            <button mat-button type="button" (click)="unpin()" [disabled]="busy()" data-testid="unpin">
              Use the feeds' values
            </button>
          </p>
        }
        @if (error(); as message) {
          <p class="error wide" role="alert">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()">Save</button>
      </mat-dialog-actions>
    </form>
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
    .flags {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
      margin-bottom: 8px;
    }
    .error {
      color: var(--mat-sys-error);
    }
    .hint {
      color: var(--mat-sys-on-surface-variant);
      margin: 0 0 8px;
    }
  `,
})
export class EditModelDialog {
  readonly model = inject<ModelDetailDto>(MAT_DIALOG_DATA);
  private readonly api = inject(CatalogEditingService);
  private readonly ref = inject(MatDialogRef<EditModelDialog, ModelDetailDto>);
  readonly flags = FLAGS;
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).group({
    display_name: [this.model.display_name, [Validators.required, Validators.maxLength(200)]],
    description: [this.model.description ?? ''],
    license: [this.model.license ?? ''],
    context_window: [this.model.context_window as number | null],
    max_output: [this.model.max_output as number | null],
    deprecation_date: [this.model.deprecation_date ?? ''],
    aliases: [(this.model.aliases ?? []).join(', ')],
    tool_calling: [this.model.tool_calling ?? false],
    structured_output: [this.model.structured_output ?? false],
    reasoning: [this.model.reasoning ?? false],
    vision: [this.model.vision ?? false],
    open_weights: [this.model.open_weights ?? false],
  });

  /** Capability fields an operator decided (they win over the feeds until handed back). */
  readonly pinned = [
    ...new Set((this.model.capability_facts ?? []).filter((f) => f.source === 'operator').map((f) => f.field)),
  ];

  /** The form as opened: a save sends only what differs from it. */
  private readonly initial = this.form.getRawValue() as Record<string, unknown>;

  save(): void {
    const v = this.form.getRawValue() as Record<string, unknown>;
    // Only what the operator changed is sent: untouched fields (an unknown capability shown unticked, say) stay as they are.
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(v)) {
      if (key === 'aliases') {
        // The list as a whole: clearing the field removes every alias.
        if (value !== this.initial[key]) body[key] = aliasList(String(value));
        continue;
      }
      if (value === this.initial[key] || value === '' || value === null) continue;
      body[key] = value;
    }
    if (!Object.keys(body).length) {
      this.ref.close();
      return;
    }
    this.send(body);
  }

  /** Hands every operator-decided capability back to the feeds (null clears the decision). */
  unpin(): void {
    this.send(Object.fromEntries(this.pinned.map((f) => [f, null])));
  }

  private send(body: Record<string, unknown>): void {
    const [owner, name] = this.model.id.split('/');
    this.busy.set(true);
    this.error.set(null);
    this.api.updateModel({ owner, name, body: body as UpdateModelDto }, silentErrors()).subscribe({
      next: (updated) => this.ref.close(updated),
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(applyServerErrors(this.form, e));
      },
    });
  }
}
