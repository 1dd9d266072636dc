import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { CatalogEditingService, CreateVendorDto, UpdateVendorDto, VendorDto } from '@mph/admin-api-client';
import { applyServerErrors, silentErrors } from '@mph/admin-ui';
import { Observable } from 'rxjs';
import { changedFields } from './server-errors';

export const VENDOR_KINDS = ['creator', 'provider', 'aggregator'] as const;
type Kind = (typeof VENDOR_KINDS)[number];

/** Operators create a vendor (data = null) or edit one; server validation errors land on the fields. */
@Component({
  selector: 'mph-vendor-dialog',
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
    <h2 mat-dialog-title>{{ vendor ? 'Edit ' + vendor.slug : 'New vendor' }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="grid">
        <mat-form-field appearance="outline">
          <mat-label>Slug</mat-label>
          <input matInput formControlName="slug" data-testid="vendor-slug" />
          <mat-hint>Lowercase letters, digits and dashes</mat-hint>
          @if (form.controls.slug.hasError('server')) {
            <mat-error data-testid="vendor-slug-error">{{ form.controls.slug.getError('server') }}</mat-error>
          } @else if (form.controls.slug.hasError('pattern')) {
            <mat-error>Lowercase letters, digits and dashes only</mat-error>
          } @else if (form.controls.slug.hasError('required')) {
            <mat-error>Required</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" data-testid="vendor-name" />
          @if (form.controls.name.hasError('server')) {
            <mat-error>{{ form.controls.name.getError('server') }}</mat-error>
          } @else if (form.controls.name.hasError('required')) {
            <mat-error>Required</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Homepage</mat-label>
          <input matInput formControlName="homepage" placeholder="https://…" data-testid="vendor-homepage" />
          @if (form.controls.homepage.hasError('server')) {
            <mat-error data-testid="vendor-homepage-error">{{ form.controls.homepage.getError('server') }}</mat-error>
          }
        </mat-form-field>
        <fieldset class="wide kinds" formGroupName="kinds">
          <legend>Kind</legend>
          @for (k of kinds; track k) {
            <mat-checkbox [formControlName]="k">{{ k }}</mat-checkbox>
          }
        </fieldset>
        @if (form.controls.kinds.hasError('server')) {
          <p class="error wide">{{ form.controls.kinds.getError('server') }}</p>
        }
        @if (error(); as message) {
          <p class="error wide" role="alert">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="vendor-save">Save</button>
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
    .kinds {
      border: none;
      padding: 0;
      display: flex;
      gap: 16px;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class VendorDialog {
  readonly vendor = inject<VendorDto | null>(MAT_DIALOG_DATA);
  private readonly api = inject(CatalogEditingService);
  private readonly ref = inject(MatDialogRef<VendorDialog, VendorDto>);
  readonly kinds = VENDOR_KINDS;
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  private readonly fb = inject(FormBuilder);
  readonly form = this.fb.nonNullable.group({
    slug: [
      { value: this.vendor?.slug ?? '', disabled: !!this.vendor },
      [Validators.required, Validators.pattern(/^[a-z0-9][a-z0-9-]*$/)],
    ],
    name: [this.vendor?.name ?? '', [Validators.required, Validators.maxLength(200)]],
    homepage: [this.vendor?.homepage ?? ''],
    kinds: this.fb.nonNullable.group(
      Object.fromEntries(VENDOR_KINDS.map((k) => [k, this.vendor?.kinds.includes(k) ?? k === 'provider'])) as Record<
        Kind,
        boolean
      >,
    ),
  });
  private readonly initial = this.value();

  private value(): Record<string, unknown> {
    const v = this.form.getRawValue();
    return { ...v, kinds: VENDOR_KINDS.filter((k) => v.kinds[k]) };
  }

  save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.value();
    let call: Observable<VendorDto>;
    if (this.vendor) {
      const body = changedFields(value, this.initial);
      delete body['slug'];
      if (!Object.keys(body).length) {
        this.ref.close();
        return;
      }
      call = this.api.updateVendor({ slug: this.vendor.slug, body: body as UpdateVendorDto }, silentErrors());
    } else {
      const body = changedFields(value, {}) as unknown as CreateVendorDto;
      body.kinds = value['kinds'] as Kind[];
      call = this.api.createVendor({ body }, silentErrors());
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
