import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { CatalogEditingService, VendorDto, VendorsService } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { confirmAction } from '@mph/admin-ui';
import { filter, switchMap } from 'rxjs';
import { VendorDialog } from './vendor-dialog';

/** Catalog › vendors: model creators, inference providers and aggregators; operators add, edit and remove them. */
@Component({
  selector: 'mph-vendors-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatButtonModule, MatProgressBarModule, MatTableModule],
  template: `
    <header class="page-header">
      <h1>Vendors</h1>
      <nav class="links" aria-label="Catalog pages">
        <a routerLink="/catalog">Models</a>
        <a routerLink="/catalog/trending">Trending</a>
      </nav>
      @if (canEdit()) {
        <button mat-flat-button type="button" (click)="create()" data-testid="new-vendor">New vendor</button>
      }
    </header>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading vendors" />
    }
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    <table mat-table [dataSource]="vendors()" class="table" data-testid="vendors-table">
      <ng-container matColumnDef="name">
        <th mat-header-cell *matHeaderCellDef>Vendor</th>
        <td mat-cell *matCellDef="let v">
          <strong>{{ v.name }}</strong>
          <div class="sub">{{ v.slug }}</div>
        </td>
      </ng-container>
      <ng-container matColumnDef="kinds">
        <th mat-header-cell *matHeaderCellDef>Kind</th>
        <td mat-cell *matCellDef="let v">{{ v.kinds.join(', ') }}</td>
      </ng-container>
      <ng-container matColumnDef="models">
        <th mat-header-cell *matHeaderCellDef class="num">Models created</th>
        <td mat-cell *matCellDef="let v" class="num">
          @if (v.model_count) {
            <a [routerLink]="['/catalog']" [queryParams]="{ vendor: v.slug }">{{ v.model_count }}</a>
          } @else {
            0
          }
        </td>
      </ng-container>
      <ng-container matColumnDef="offerings">
        <th mat-header-cell *matHeaderCellDef class="num">Offerings served</th>
        <td mat-cell *matCellDef="let v" class="num">
          @if (v.offering_count) {
            <a [routerLink]="['/catalog']" [queryParams]="{ provider: v.slug }">{{ v.offering_count }}</a>
          } @else {
            0
          }
        </td>
      </ng-container>
      <ng-container matColumnDef="homepage">
        <th mat-header-cell *matHeaderCellDef>Homepage</th>
        <td mat-cell *matCellDef="let v">
          @if (v.homepage) {
            <a [href]="v.homepage" target="_blank" rel="noopener">{{ v.homepage }}</a>
          }
        </td>
      </ng-container>
      <ng-container matColumnDef="actions">
        <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
        <td mat-cell *matCellDef="let v">
          <button mat-button type="button" (click)="edit(v)" [attr.data-testid]="'edit-vendor-' + v.slug">Edit</button>
          <button mat-button type="button" (click)="remove(v)" [attr.data-testid]="'delete-vendor-' + v.slug">
            Delete
          </button>
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns()"></tr>
      <tr mat-row *matRowDef="let row; columns: columns()"></tr>
    </table>
  `,
  styleUrl: './catalog.scss',
})
export class VendorsPage implements OnInit {
  private readonly api = inject(VendorsService);
  private readonly editing = inject(CatalogEditingService);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  private readonly session = inject(SessionStore);
  readonly canEdit = computed(() => this.session.hasRole('operator', 'admin'));
  readonly columns = computed(() => [
    'name',
    'kinds',
    'models',
    'offerings',
    'homepage',
    ...(this.canEdit() ? ['actions'] : []),
  ]);
  readonly vendors = signal<VendorDto[]>([]);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);

  ngOnInit(): void {
    this.load();
  }

  create(): void {
    this.open(null);
  }

  edit(vendor: VendorDto): void {
    this.open(vendor);
  }

  remove(vendor: VendorDto): void {
    confirmAction(this.dialog, {
      title: `Delete ${vendor.name}?`,
      message:
        'The vendor disappears from the catalog, with the offerings it serves. It stays in the database and in the audit log.',
      confirm: 'Delete',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.editing.deleteVendor({ slug: vendor.slug })),
      )
      .subscribe(() => {
        this.snack.open(`Deleted ${vendor.name}.`, 'OK', { duration: 4000 });
        this.load();
      });
  }

  private open(vendor: VendorDto | null): void {
    this.dialog
      .open(VendorDialog, { data: vendor, width: '560px' })
      .afterClosed()
      .subscribe((saved?: VendorDto) => {
        if (!saved) return;
        this.snack.open(`Saved ${saved.name}.`, 'OK', { duration: 4000 });
        this.load();
      });
  }

  private load(): void {
    this.loading.set(true);
    this.api.listVendors().subscribe({
      next: ({ data }) => {
        this.vendors.set(data);
        this.loading.set(false);
      },
      error: () => {
        this.loading.set(false);
        this.error.set('Vendors could not be loaded; try again.');
      },
    });
  }
}
