import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import {
  CatalogEditingService,
  CreateOfferingDto,
  OfferingDto,
  UpdateOfferingDto,
  VendorDto,
  VendorsService,
} from '@mph/admin-api-client';
import { applyServerErrors, silentErrors } from '@mph/admin-ui';
import { Observable } from 'rxjs';
import { changedFields } from './server-errors';

export interface OfferingDialogData {
  modelId: string;
  /** Absent: a new offering of the model. */
  offering?: OfferingDto;
}

/** Operators add a provider's offering of a model or edit one (its id at the provider, limits, status). */
@Component({
  selector: 'mph-offering-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  template: `
    <h2 mat-dialog-title>{{ data.offering ? 'Edit offering' : 'New offering of ' + data.modelId }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="grid">
        <mat-form-field appearance="outline">
          <mat-label>Provider</mat-label>
          <mat-select formControlName="provider" data-testid="offering-provider">
            @for (v of providers(); track v.slug) {
              <mat-option [value]="v.slug">{{ v.name }} ({{ v.slug }})</mat-option>
            }
          </mat-select>
          @if (form.controls.provider.hasError('server')) {
            <mat-error>{{ form.controls.provider.getError('server') }}</mat-error>
          } @else if (form.controls.provider.hasError('required')) {
            <mat-error>Choose the provider</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Model id at the provider</mat-label>
          <input matInput formControlName="provider_model_id" data-testid="offering-provider-model-id" />
          @if (form.controls.provider_model_id.hasError('server')) {
            <mat-error data-testid="offering-id-error">{{
              form.controls.provider_model_id.getError('server')
            }}</mat-error>
          } @else if (form.controls.provider_model_id.hasError('required')) {
            <mat-error>Required</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Context window (tokens)</mat-label>
          <input matInput type="number" formControlName="context_window" data-testid="offering-context-window" />
          @if (form.controls.context_window.hasError('server')) {
            <mat-error data-testid="offering-context-error">{{
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
        @if (data.offering) {
          <mat-form-field appearance="outline">
            <mat-label>Status</mat-label>
            <mat-select formControlName="status">
              <mat-option value="active">active</mat-option>
              <mat-option value="deprecated">deprecated</mat-option>
            </mat-select>
          </mat-form-field>
        }
        @if (error(); as message) {
          <p class="error wide" role="alert">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="offering-save">Save</button>
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
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class OfferingDialog implements OnInit {
  readonly data = inject<OfferingDialogData>(MAT_DIALOG_DATA);
  private readonly api = inject(CatalogEditingService);
  private readonly vendors = inject(VendorsService);
  private readonly ref = inject(MatDialogRef<OfferingDialog, OfferingDto>);
  readonly providers = signal<VendorDto[]>([]);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).group({
    provider: [{ value: this.data.offering?.provider ?? '', disabled: !!this.data.offering }, Validators.required],
    provider_model_id: [this.data.offering?.provider_model_id ?? '', Validators.required],
    context_window: [this.data.offering?.context_window ?? (null as number | null)],
    max_output: [this.data.offering?.max_output ?? (null as number | null)],
    status: [this.data.offering?.status ?? 'active'],
  });
  private readonly initial = this.form.getRawValue() as Record<string, unknown>;

  ngOnInit(): void {
    this.vendors.listVendors().subscribe(({ data: list }) => {
      const providers = list.filter((v) => v.kinds.includes('provider') || v.kinds.includes('aggregator'));
      // An existing offering's provider stays selectable even if its kinds changed since.
      this.providers.set(providers.length ? providers : list);
    });
  }

  save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue() as Record<string, unknown>;
    let call: Observable<OfferingDto>;
    if (this.data.offering) {
      const body = changedFields(value, this.initial);
      delete body['provider'];
      if (!Object.keys(body).length) {
        this.ref.close();
        return;
      }
      call = this.api.updateOffering({ id: this.data.offering.id, body: body as UpdateOfferingDto }, silentErrors());
    } else {
      const body = changedFields(value, {});
      delete body['status'];
      call = this.api.createOffering(
        { body: { ...body, model_id: this.data.modelId } as CreateOfferingDto },
        silentErrors(),
      );
    }
    this.busy.set(true);
    this.error.set(null);
    call.subscribe({
      next: (saved) => this.ref.close(saved),
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(applyServerErrors(this.form, e));
      },
    });
  }
}
