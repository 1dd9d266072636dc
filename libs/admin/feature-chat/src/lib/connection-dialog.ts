import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ConnectionDto, ConnectionsService, UpdateConnectionDto } from '@mph/admin-api-client';
import { applyServerErrors, fieldError, silentErrors } from '@mph/admin-ui';

/** "gpt-4o-mini, o3=o3-2025-04-16" → served models (client id, optional upstream id). */
export function parseModels(text: string): { model: string; upstream_model?: string }[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [model, upstream] = s.split('=').map((x) => x.trim());
      return upstream ? { model, upstream_model: upstream } : { model };
    });
}

/** The served models as the add form writes them: `id` or `id=upstream id`, comma separated. */
export function modelsText(c: Pick<ConnectionDto, 'models'>): string {
  return c.models.map((m) => (m.model === m.upstream_model ? m.model : `${m.model}=${m.upstream_model}`)).join(', ');
}

/** The tuning numbers a connection has, with the API's bounds (checked here before sending). */
export const CONNECTION_NUMBERS = [
  { key: 'priority', label: 'Failover priority (lower first)', min: 0, max: 10000 },
  { key: 'response_cache_seconds', label: 'Response cache (seconds, 0 = off)', min: 0, max: 86400 },
  { key: 'connect_timeout_ms', label: 'Connect timeout (ms)', min: 100, max: 60000 },
  { key: 'first_token_timeout_ms', label: 'First token timeout (ms)', min: 100, max: 600000 },
  { key: 'total_timeout_ms', label: 'Total timeout (ms)', min: 1000, max: 3600000 },
  { key: 'max_retries', label: 'Retries', min: 0, max: 10 },
  { key: 'breaker_failures', label: 'Failures that open the breaker', min: 1, max: 1000 },
  { key: 'breaker_cooldown_ms', label: 'Breaker cool-down (ms)', min: 100, max: 3600000 },
] as const;
type NumberKey = (typeof CONNECTION_NUMBERS)[number]['key'];

type Form = {
  name: string;
  base_url: string;
  provider: string;
  api_key: string;
  remove_key: boolean;
  models: string;
  enabled: boolean;
} & Record<NumberKey, number>;

/** What an edit sends: only the fields that changed (the key only when replaced or removed). */
export function connectionChanges(c: ConnectionDto, v: Form): UpdateConnectionDto {
  const body: Record<string, unknown> = {};
  if (v.name.trim() !== c.name) body['name'] = v.name.trim();
  if (c.kind !== 'local' && v.base_url.trim() !== (c.base_url ?? '')) body['base_url'] = v.base_url.trim();
  if (v.provider.trim() !== (c.provider ?? '')) body['provider'] = v.provider.trim() || null;
  if (v.remove_key) body['api_key'] = null;
  else if (v.api_key) body['api_key'] = v.api_key;
  if (v.enabled !== c.enabled) body['enabled'] = v.enabled;
  for (const { key } of CONNECTION_NUMBERS) if (Number(v[key]) !== c[key]) body[key] = Number(v[key]);
  if (v.models.replace(/\s+/g, '') !== modelsText(c).replace(/\s+/g, '')) {
    // The list is replaced as a whole: a model that stays keeps the offering it was pinned to (its price).
    const pinned = new Map(c.models.filter((m) => m.offering_id).map((m) => [m.model, m.offering_id]));
    body['models'] = parseModels(v.models).map((m) =>
      pinned.has(m.model) ? { ...m, offering_id: pinned.get(m.model) } : m,
    );
  }
  return body as UpdateConnectionDto;
}

/**
 * Edit a connection: its endpoint, the provider whose prices apply, its key (replace or remove; never shown), the
 * models it serves, failover priority, timeouts, retries, circuit breaker and response cache. Who it serves (shared
 * or one owner) is fixed at creation.
 */
@Component({
  selector: 'mph-connection-dialog',
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
    <h2 mat-dialog-title>Edit {{ data.connection.name }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="dialog-grid">
        <p class="wide sub">
          {{ data.connection.shared ? 'Shared with everyone' : 'Serves its owner only' }} (fixed when it was added).
        </p>
        <mat-form-field appearance="outline">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" data-testid="connection-edit-name" />
          @if (form.controls.name.invalid) {
            <mat-error>{{ fieldError(form.controls.name) }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Priced as (provider)</mat-label>
          <input matInput formControlName="provider" placeholder="openai" />
          <mat-hint>Empty: calls are recorded unpriced</mat-hint>
          @if (form.controls.provider.invalid) {
            <mat-error>{{ fieldError(form.controls.provider, 'A provider slug such as openai') }}</mat-error>
          }
        </mat-form-field>
        @if (data.connection.kind !== 'local') {
          <mat-form-field appearance="outline" class="wide">
            <mat-label>Base URL</mat-label>
            <input matInput formControlName="base_url" data-testid="connection-edit-url" />
            @if (form.controls.base_url.invalid) {
              <mat-error>{{ fieldError(form.controls.base_url, 'An http(s):// address ending in /v1') }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>{{ data.connection.has_key ? 'Replace the API key' : 'API key' }}</mat-label>
            <input matInput formControlName="api_key" type="password" autocomplete="off" />
            <mat-hint>{{
              data.connection.has_key ? 'Now ' + (data.connection.key_hint ?? 'set') + '; empty keeps it' : 'None yet'
            }}</mat-hint>
          </mat-form-field>
          @if (data.connection.has_key) {
            <mat-checkbox formControlName="remove_key">Remove the key</mat-checkbox>
          }
        }
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Models (id or id=upstream id, comma separated)</mat-label>
          <input matInput formControlName="models" data-testid="connection-edit-models" />
          @if (form.controls.models.invalid) {
            <mat-error>{{ fieldError(form.controls.models) }}</mat-error>
          }
        </mat-form-field>
        <mat-checkbox class="wide" formControlName="enabled">Enabled (calls may go to it)</mat-checkbox>
        @for (n of numbers; track n.key) {
          <mat-form-field appearance="outline">
            <mat-label>{{ n.label }}</mat-label>
            <input
              matInput
              type="number"
              [min]="n.min"
              [max]="n.max"
              [formControlName]="n.key"
              [attr.data-testid]="'connection-edit-' + n.key"
            />
            @if (form.get(n.key)?.invalid) {
              <mat-error>{{ fieldError(form.get(n.key)!, 'A whole number from ' + n.min + ' to ' + n.max) }}</mat-error>
            }
          </mat-form-field>
        }
        @if (error(); as message) {
          <p class="error wide" role="alert">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="connection-edit-save">Save</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .sub {
      margin: 0 0 8px;
    }
  `,
})
export class ConnectionDialog {
  readonly data = inject<{ connection: ConnectionDto }>(MAT_DIALOG_DATA);
  private readonly api = inject(ConnectionsService);
  private readonly ref = inject(MatDialogRef<ConnectionDialog, ConnectionDto>);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly fieldError = fieldError;
  readonly numbers = CONNECTION_NUMBERS;
  readonly form = inject(FormBuilder).nonNullable.group({
    name: [this.data.connection.name, [Validators.required, Validators.maxLength(100)]],
    base_url: [this.data.connection.base_url ?? '', this.data.connection.kind === 'local' ? [] : [Validators.required]],
    provider: [this.data.connection.provider ?? '', [Validators.pattern(/^[a-z0-9][a-z0-9_.-]{0,63}$/)]],
    api_key: [''],
    remove_key: [false],
    models: [modelsText(this.data.connection)],
    enabled: [this.data.connection.enabled],
    ...(Object.fromEntries(
      CONNECTION_NUMBERS.map((n) => [
        n.key,
        new FormControl(this.data.connection[n.key], {
          nonNullable: true,
          validators: [Validators.required, Validators.min(n.min), Validators.max(n.max)],
        }),
      ]),
    ) as Record<NumberKey, FormControl<number>>),
  });

  save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const body = connectionChanges(this.data.connection, this.form.getRawValue());
    if (!Object.keys(body).length) {
      this.ref.close();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    this.api.updateConnection({ id: this.data.connection.id, body }, silentErrors()).subscribe({
      next: (saved) => this.ref.close(saved),
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(applyServerErrors(this.form, e, 'The connection was not saved; try again.'));
      },
    });
  }
}
