import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { BulkPreviewDto, PricePointDto, PricesService, VendorDto, VendorsService } from '@mph/admin-api-client';
import { basePrice, conditionLabel, formatMoney, Money, onLiveChange, sinceLabel } from '@mph/admin-ui';
import { SessionStore } from '@mph/admin-feature-auth';
import { BulkDialog } from './bulk-dialog';
import { PricingLinks } from './pricing-links';

const base = (p: PricePointDto, unit: string) => basePrice(p.price, unit);

/** Prices in force (now or at an instant), by provider and model; operators open an offering to edit it. */
@Component({
  selector: 'mph-prices-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    RouterLink,
    Money,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    PricingLinks,
  ],
  template: `
    <mph-pricing-links />
    <header class="page-header">
      <h1>Prices</h1>
      @if (canEdit()) {
        <button mat-stroked-button type="button" (click)="bulk()" data-testid="bulk-change">
          Change a provider’s prices…
        </button>
      }
    </header>
    <div class="filters">
      <mat-form-field appearance="outline">
        <mat-label>Provider</mat-label>
        <mat-select
          [ngModel]="provider()"
          (ngModelChange)="setFilter({ provider: $event || null })"
          data-testid="filter-provider"
        >
          <mat-option [value]="''">Any</mat-option>
          @for (v of providers(); track v.slug) {
            <mat-option [value]="v.slug">{{ v.name }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Model id</mat-label>
        <input
          matInput
          [ngModel]="model()"
          (change)="setFilter({ model: $any($event.target).value || null })"
          placeholder="openai/o3"
        />
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Service tier</mat-label>
        <mat-select [ngModel]="tier()" (ngModelChange)="setFilter({ tier: $event || null })">
          <mat-option [value]="''">Any</mat-option>
          @for (t of ['standard', 'batch', 'flex', 'priority']; track t) {
            <mat-option [value]="t">{{ t }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>As of (UTC date)</mat-label>
        <input
          matInput
          type="date"
          [ngModel]="at()"
          (change)="setFilter({ at: $any($event.target).value || null })"
          data-testid="filter-at"
        />
      </mat-form-field>
    </div>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading prices" />
    }
    <table mat-table [dataSource]="rows()" class="table" data-testid="prices-table">
      <ng-container matColumnDef="model">
        <th mat-header-cell *matHeaderCellDef>Model</th>
        <td mat-cell *matCellDef="let p">
          <a [routerLink]="['/catalog/models'].concat(p.model_id.split('/'))">{{ p.model_id }}</a>
        </td>
      </ng-container>
      <ng-container matColumnDef="offering">
        <th mat-header-cell *matHeaderCellDef>Offering</th>
        <td mat-cell *matCellDef="let p">
          <a
            [routerLink]="['/pricing/offerings', p.offering.id]"
            [attr.data-testid]="'offering-link-' + p.offering.provider_model_id"
            >{{ p.offering.provider }} · {{ p.offering.provider_model_id }}</a
          >
          <div class="sub">{{ p.price.service_tier }}{{ p.price.region ? ' · ' + p.price.region : '' }}</div>
        </td>
      </ng-container>
      <ng-container matColumnDef="input">
        <th mat-header-cell *matHeaderCellDef class="num">Input / 1M</th>
        <td mat-cell *matCellDef="let p" class="num">
          <mph-money [amount]="amount(p, 'input')" [currency]="p.price.currency" [price]="true" unknownText="—" />
        </td>
      </ng-container>
      <ng-container matColumnDef="output">
        <th mat-header-cell *matHeaderCellDef class="num">Output / 1M</th>
        <td mat-cell *matCellDef="let p" class="num">
          <mph-money [amount]="amount(p, 'output')" [currency]="p.price.currency" [price]="true" unknownText="—" />
        </td>
      </ng-container>
      <ng-container matColumnDef="other">
        <th mat-header-cell *matHeaderCellDef>Other components</th>
        <td mat-cell *matCellDef="let p" class="sub other">{{ other(p) }}</td>
      </ng-container>
      <ng-container matColumnDef="since">
        <th mat-header-cell *matHeaderCellDef>Since</th>
        <td mat-cell *matCellDef="let p">
          {{ since(p.price.effective_from, false) }}
          <div class="sub">{{ p.price.source }}</div>
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
    </table>
    <mat-paginator
      [length]="total()"
      [pageIndex]="page() - 1"
      [pageSize]="50"
      [hidePageSize]="true"
      (page)="onPage($event)"
    />
  `,
  styleUrl: './pricing.scss',
})
export class PricesPage implements OnInit {
  private readonly api = inject(PricesService);
  private readonly vendors = inject(VendorsService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  private readonly session = inject(SessionStore);
  readonly canEdit = computed(() => this.session.hasRole('operator', 'admin'));
  readonly columns = ['model', 'offering', 'input', 'output', 'other', 'since'];
  readonly rows = signal<PricePointDto[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);
  readonly providers = signal<VendorDto[]>([]);
  readonly provider = signal('');
  readonly model = signal('');
  readonly tier = signal('');
  readonly at = signal('');
  readonly page = signal(1);

  constructor() {
    // Prices changed anywhere (an edit, a sync on another instance): the list re-reads them.
    onLiveChange('prices', () => this.load());
  }

  ngOnInit(): void {
    this.vendors.listVendors().subscribe(({ data }) => this.providers.set(data.filter((v) => v.offering_count > 0)));
    this.route.queryParamMap.subscribe((q) => {
      this.provider.set(q.get('provider') ?? '');
      this.model.set(q.get('model') ?? '');
      this.tier.set(q.get('tier') ?? '');
      this.at.set(q.get('at') ?? '');
      this.page.set(Number(q.get('page') ?? 1) || 1);
      this.load();
    });
  }

  setFilter(change: Record<string, string | null>): void {
    void this.router.navigate([], { queryParams: { ...change, page: null }, queryParamsHandling: 'merge' });
  }

  onPage(e: PageEvent): void {
    void this.router.navigate([], { queryParams: { page: e.pageIndex + 1 }, queryParamsHandling: 'merge' });
  }

  private load(): void {
    this.loading.set(true);
    this.api
      .listPrices({
        provider: this.provider() || undefined,
        model: this.model() || undefined,
        service_tier: (this.tier() || undefined) as 'standard' | undefined,
        at: this.at() ? `${this.at()}T00:00:00Z` : undefined,
        page: this.page(),
        per_page: 50,
      })
      .subscribe({
        next: (r) => {
          this.rows.set(r.data);
          this.total.set(r.meta.total);
          this.loading.set(false);
        },
        error: () => this.loading.set(false),
      });
  }

  amount(p: PricePointDto, unit: string): string | null {
    return base(p, unit);
  }

  other(p: PricePointDto): string {
    return p.price.components
      .filter((c) => !((c.unit === 'input' || c.unit === 'output') && !c.prompt_tokens_above && !c.window_start))
      .map(
        (c) =>
          `${c.unit} ${formatMoney(c.amount, p.price.currency, { price: true })}${conditionLabel(c) === 'base' ? '' : ` (${conditionLabel(c)})`}`,
      )
      .join(' · ');
  }

  since = sinceLabel;

  bulk(): void {
    this.dialog
      .open(BulkDialog, { width: '860px', maxWidth: '96vw', data: { providers: this.providers() } })
      .afterClosed()
      .subscribe((result?: BulkPreviewDto) => {
        if (!result) return;
        this.snack.open(`Changed ${result.data.length} price version(s).`, 'OK', { duration: 5000 });
        this.load();
      });
  }
}
