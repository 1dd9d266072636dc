import { DatePipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { AuditEventDto, AuditService } from '@mph/admin-api-client';
import { urlState } from './url-state';

/** Admin › Audit log: who did what, when, from where; filter by action and target, newest first. */
@Component({
  selector: 'mph-audit-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    JsonPipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatTableModule,
  ],
  template: `
    <header class="page-header"><h1>Audit log</h1></header>
    <div class="filters">
      <mat-form-field appearance="outline" subscriptSizing="dynamic">
        <mat-label>Action</mat-label>
        <input
          matInput
          #action
          [value]="state.get('action') ?? ''"
          placeholder="price, sync, auth.login_failed"
          (keyup.enter)="filter('action', action.value)"
          (blur)="filter('action', action.value)"
        />
      </mat-form-field>
      <mat-form-field appearance="outline" subscriptSizing="dynamic">
        <mat-label>Target type</mat-label>
        <input
          matInput
          #target
          [value]="state.get('target_type') ?? ''"
          placeholder="user, api_key, session"
          (keyup.enter)="filter('target_type', target.value)"
          (blur)="filter('target_type', target.value)"
        />
      </mat-form-field>
    </div>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading audit events" />
    }
    <table mat-table [dataSource]="rows()" class="table" aria-label="Audit events">
      <ng-container matColumnDef="occurred_at">
        <th mat-header-cell *matHeaderCellDef>When</th>
        <td mat-cell *matCellDef="let e" [title]="e.occurred_at">{{ e.occurred_at | date: 'medium' }}</td>
      </ng-container>
      <ng-container matColumnDef="actor">
        <th mat-header-cell *matHeaderCellDef>Who</th>
        <td mat-cell *matCellDef="let e">{{ e.actor_label }}</td>
      </ng-container>
      <ng-container matColumnDef="action">
        <th mat-header-cell *matHeaderCellDef>Action</th>
        <td mat-cell *matCellDef="let e">
          <code>{{ e.action }}</code>
        </td>
      </ng-container>
      <ng-container matColumnDef="target">
        <th mat-header-cell *matHeaderCellDef>Target</th>
        <td mat-cell *matCellDef="let e">
          {{ e.target_type ?? '' }} <strong>{{ e.target_label ?? '' }}</strong>
          <div class="sub">
            <code class="id">{{ e.target_id ?? '' }}</code>
          </div>
        </td>
      </ng-container>
      <ng-container matColumnDef="change">
        <th mat-header-cell *matHeaderCellDef>Change</th>
        <td mat-cell *matCellDef="let e">
          @if (e.before || e.after) {
            <details>
              <summary>before / after</summary>
              <pre>{{ e.before | json }}</pre>
              <pre>{{ e.after | json }}</pre>
            </details>
          }
        </td>
      </ng-container>
      <ng-container matColumnDef="ip">
        <th mat-header-cell *matHeaderCellDef>From</th>
        <td mat-cell *matCellDef="let e" [title]="'request ' + (e.request_id ?? '')">{{ e.ip ?? '' }}</td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
      <tr class="mat-row" *matNoDataRow>
        <td class="empty" [attr.colspan]="columns.length">{{ loading() ? 'Loading…' : 'No events match.' }}</td>
      </tr>
    </table>
    <mat-paginator
      [length]="total()"
      [pageIndex]="state.page() - 1"
      [pageSize]="state.perPage()"
      [pageSizeOptions]="[20, 50, 100]"
      (page)="paginate($event)"
      aria-label="Pages of audit events"
    />
  `,
  styleUrl: './pages.scss',
})
export class AuditPage {
  private readonly api = inject(AuditService);
  readonly state = urlState();
  readonly columns = ['occurred_at', 'actor', 'action', 'target', 'change', 'ip'];
  readonly rows = signal<AuditEventDto[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);

  constructor() {
    effect(() => {
      this.state.params();
      this.load();
    });
  }

  load(): void {
    this.loading.set(true);
    this.api
      .listAuditEvents({
        page: this.state.page(),
        per_page: this.state.perPage(),
        action: this.state.get('action'),
        target_type: this.state.get('target_type'),
      })
      .subscribe({
        next: (res) => {
          this.rows.set(res.data);
          this.total.set(res.meta.total);
          this.loading.set(false);
        },
        error: () => this.loading.set(false),
      });
  }

  filter(key: 'action' | 'target_type', value: string): void {
    if ((this.state.get(key) ?? '') === value.trim()) return;
    this.state.set({ [key]: value.trim() || null, page: null });
  }

  paginate(e: PageEvent): void {
    this.state.set({ page: e.pageIndex + 1, per_page: e.pageSize });
  }
}
