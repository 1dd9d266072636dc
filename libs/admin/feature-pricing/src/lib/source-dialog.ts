import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { CreateSyncSourceDto, SyncService, SyncSourceDto, UpdateSyncSourceDto } from '@mph/admin-api-client';
import { applyServerErrors, fieldError, silentErrors } from '@mph/admin-ui';
import { Observable } from 'rxjs';

/** Operators add or edit a sync source: feed URL, adapter, schedule, auth header, safety thresholds. */
@Component({
  selector: 'mph-source-dialog',
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
    <h2 mat-dialog-title>{{ data ? 'Edit ' + data.name : 'New sync source' }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="grid">
        <mat-form-field appearance="outline">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" data-testid="source-name" />
          <mat-hint>lowercase letters, digits, . - _</mat-hint>
          @if (form.controls.name.invalid) {
            <mat-error>{{
              fieldError(form.controls.name, 'Lower-case letters, digits, . - and _, such as litellm')
            }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Adapter</mat-label>
          <mat-select formControlName="adapter" data-testid="source-adapter">
            @for (a of adapters; track a) {
              <mat-option [value]="a">{{ a }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Feed URL</mat-label>
          <input matInput formControlName="url" data-testid="source-url" />
          @if (form.controls.url.invalid) {
            <mat-error>{{
              fieldError(form.controls.url, 'An https:// address (or file:// in SYNC_FILE_DIR)')
            }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Schedule (cron, UTC; empty: on demand)</mat-label>
          <input matInput formControlName="schedule" placeholder="0 4 * * *" data-testid="source-schedule" />
          @if (form.controls.schedule.invalid) {
            <mat-error>{{ fieldError(form.controls.schedule, 'A cron schedule such as 0 4 * * *') }}</mat-error>
          }
        </mat-form-field>
        <mat-checkbox formControlName="enabled">Enabled</mat-checkbox>
        <mat-form-field appearance="outline">
          <mat-label>Quarantine if more than this share goes missing</mat-label>
          <input matInput formControlName="max_shrink" />
          @if (form.controls.max_shrink.invalid) {
            <mat-error>{{ fieldError(form.controls.max_shrink, 'A share between 0 and 1, such as 0.5') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Quarantine if a price moves more than ×</mat-label>
          <input matInput formControlName="max_jump" />
          @if (form.controls.max_jump.invalid) {
            <mat-error>{{ fieldError(form.controls.max_jump, 'A factor above 1, such as 10') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Auth header name (optional)</mat-label>
          <input matInput formControlName="auth_name" placeholder="Authorization" />
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Auth header value</mat-label>
          <input matInput type="password" formControlName="auth_value" autocomplete="off" />
          <mat-hint>{{ data?.auth_header_name ? 'Stored sealed; leave empty to keep it' : 'Stored sealed' }}</mat-hint>
        </mat-form-field>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Id rules (JSON)</mat-label>
          <textarea matInput rows="3" formControlName="id_rules" data-testid="source-id-rules"></textarea>
          <mat-hint>{{ idRulesHint }}</mat-hint>
          @if (form.controls.id_rules.invalid) {
            <mat-error>{{ fieldError(form.controls.id_rules, 'A JSON object (or {} for none)') }}</mat-error>
          }
        </mat-form-field>
        @if (error(); as message) {
          <p class="error wide" role="alert" data-testid="source-error">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="source-save">Save</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .grid {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0 16px;
      align-items: center;
    }
    .wide {
      grid-column: 1 / -1;
    }
  `,
})
export class SourceDialog {
  readonly fieldError = fieldError;
  readonly data = inject<SyncSourceDto | null>(MAT_DIALOG_DATA);
  private readonly api = inject(SyncService);
  private readonly ref = inject(MatDialogRef<SourceDialog, SyncSourceDto>);
  readonly adapters = ['litellm', 'openrouter', 'models.dev', 'genai-prices', 'huggingface'];
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).group({
    name: [this.data?.name ?? '', [Validators.required, Validators.pattern(/^[a-z0-9][a-z0-9._-]{0,62}$/)]],
    adapter: [this.data?.adapter ?? 'litellm', Validators.required],
    url: [this.data?.url ?? '', Validators.required],
    schedule: [this.data?.schedule ?? ''],
    enabled: [this.data?.enabled ?? true],
    max_shrink: [this.data?.max_shrink ?? '0.5'],
    max_jump: [this.data?.max_jump ?? '10'],
    auth_name: [this.data?.auth_header_name ?? ''],
    auth_value: [''],
    id_rules: [JSON.stringify(this.data?.id_rules ?? {})],
  });
  readonly idRulesHint =
    '{"strip_prefixes": ["openrouter/"], "providers": {"vertex-ai": "google-vertex"}, "models": {"openai|gpt-4o-2024-08-06": "openai/gpt-4o"}}';

  save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    let idRules: Record<string, unknown>;
    try {
      idRules = JSON.parse(v.id_rules || '{}') as Record<string, unknown>;
      if (!idRules || typeof idRules !== 'object' || Array.isArray(idRules)) throw new Error('not an object');
    } catch {
      this.form.controls.id_rules.setErrors({ server: 'A JSON object, such as {"providers": {…}} (or {} for none)' });
      this.form.controls.id_rules.markAsTouched();
      return;
    }
    const body = {
      id_rules: idRules,
      name: v.name ?? '',
      adapter: v.adapter as CreateSyncSourceDto['adapter'],
      url: v.url ?? '',
      schedule: v.schedule || null,
      enabled: !!v.enabled,
      max_shrink: v.max_shrink ?? '0.5',
      max_jump: v.max_jump ?? '10',
      ...(v.auth_name && v.auth_value ? { auth_header: { name: v.auth_name, value: v.auth_value } } : {}),
      ...(!v.auth_name && this.data?.auth_header_name ? { auth_header: null } : {}),
    };
    const call: Observable<SyncSourceDto> = this.data
      ? this.api.updateSyncSource({ id: this.data.id, body: body as UpdateSyncSourceDto }, silentErrors())
      : this.api.createSyncSource({ body: body as CreateSyncSourceDto }, silentErrors());
    this.busy.set(true);
    call.subscribe({
      next: (s) => this.ref.close(s),
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(applyServerErrors(this.form, e, 'Saving failed; try again.', { auth_header: 'auth_value' }));
      },
    });
  }
}
