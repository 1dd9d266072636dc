import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { SyncRunSummaryDto, SyncService } from '@mph/admin-api-client';
import { onLiveChange } from '@mph/admin-ui';
import { PricingLinks } from './pricing-links';

/** Every sync run, newest first; filter by status (e.g. quarantined runs waiting for a decision). */
@Component({
  selector: 'mph-sync-runs-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    RouterLink,
    MatFormFieldModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    PricingLinks,
  ],
  template: `
    <mph-pricing-links />
    <header class="page-header"><h1>Sync runs</h1></header>
    <mat-form-field appearance="outline">
      <mat-label>Status</mat-label>
      <mat-select [ngModel]="status()" (ngModelChange)="setStatus($event)" data-testid="filter-status">
        <mat-option [value]="''">Any</mat-option>
        @for (s of statuses; track s) {
          <mat-option [value]="s">{{ s }}</mat-option>
        }
      </mat-select>
    </mat-form-field>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading runs" />
    }
    <table mat-table [dataSource]="runs()" class="table" data-testid="runs-table">
      <ng-container matColumnDef="started">
        <th mat-header-cell *matHeaderCellDef>Started (UTC)</th>
        <td mat-cell *matCellDef="let r">
          <a [routerLink]="['/pricing/sync/runs', r.id]">{{ r.started_at.slice(0, 19).replace('T', ' ') }}</a>
        </td>
      </ng-container>
      <ng-container matColumnDef="source">
        <th mat-header-cell *matHeaderCellDef>Source</th>
        <td mat-cell *matCellDef="let r">
          {{ r.source_name }}
          <div class="sub">{{ r.trigger }}{{ r.dry_run ? ' · dry run' : '' }}</div>
        </td>
      </ng-container>
      <ng-container matColumnDef="status">
        <th mat-header-cell *matHeaderCellDef>Status</th>
        <td mat-cell *matCellDef="let r" [class]="'status-' + r.status">{{ r.status }}</td>
      </ng-container>
      <ng-container matColumnDef="counts">
        <th mat-header-cell *matHeaderCellDef>Added · changed · unchanged · missing</th>
        <td mat-cell *matCellDef="let r">
          {{ r.counts.added ?? 0 }} · {{ r.counts.changed ?? 0 }} · {{ r.counts.unchanged ?? 0 }} ·
          {{ r.counts.missing ?? 0 }}
        </td>
      </ng-container>
      <ng-container matColumnDef="note">
        <th mat-header-cell *matHeaderCellDef>Note</th>
        <td mat-cell *matCellDef="let r" class="sub">{{ r.error ?? r.quarantine_reason ?? '' }}</td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
    </table>
    <mat-paginator
      [length]="total()"
      [pageIndex]="page() - 1"
      [pageSize]="25"
      [hidePageSize]="true"
      (page)="onPage($event)"
    />
  `,
  styleUrl: './pricing.scss',
})
export class SyncRunsPage implements OnInit {
  private readonly api = inject(SyncService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  readonly statuses = ['running', 'succeeded', 'failed', 'quarantined', 'approved', 'rejected'];
  readonly columns = ['started', 'source', 'status', 'counts', 'note'];
  readonly runs = signal<SyncRunSummaryDto[]>([]);
  readonly total = signal(0);
  readonly page = signal(1);
  readonly status = signal('');
  readonly loading = signal(false);

  constructor() {
    // A run started, moved on or ended on any instance: the list shows it.
    onLiveChange('sync', () => this.load());
  }

  ngOnInit(): void {
    this.route.queryParamMap.subscribe((q) => {
      this.status.set(q.get('status') ?? '');
      this.page.set(Number(q.get('page') ?? 1) || 1);
      this.load();
    });
  }

  private load(): void {
    this.loading.set(true);
    this.api
      .listSyncRuns({
        status: (this.status() || undefined) as 'running' | undefined,
        page: this.page(),
        per_page: 25,
      })
      .subscribe({
        next: (r) => {
          this.runs.set(r.data);
          this.total.set(r.meta.total);
          this.loading.set(false);
        },
        error: () => this.loading.set(false),
      });
  }

  setStatus(status: string): void {
    void this.router.navigate([], {
      queryParams: { status: status || null, page: null },
      queryParamsHandling: 'merge',
    });
  }

  onPage(e: PageEvent): void {
    void this.router.navigate([], { queryParams: { page: e.pageIndex + 1 }, queryParamsHandling: 'merge' });
  }
}
