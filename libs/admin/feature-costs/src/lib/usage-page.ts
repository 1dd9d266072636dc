import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { UsageEventDto, UsageService } from '@mph/admin-api-client';
import { CostsLinks } from './costs-links';

/** The usage explorer: every recorded call, newest first, with its frozen cost. */
@Component({
  selector: 'mph-usage-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatProgressBarModule, MatTableModule, CostsLinks],
  template: `
    <mph-costs-links />
    <header class="page-header"><h1>Usage</h1></header>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading usage" />
    }
    <table mat-table [dataSource]="rows()" class="table" data-testid="usage-table">
      <ng-container matColumnDef="at">
        <th mat-header-cell *matHeaderCellDef>When (UTC)</th>
        <td mat-cell *matCellDef="let e">{{ e.occurred_at.slice(0, 19).replace('T', ' ') }}</td>
      </ng-container>
      <ng-container matColumnDef="model">
        <th mat-header-cell *matHeaderCellDef>Model</th>
        <td mat-cell *matCellDef="let e">
          {{ e.resolved_model ?? e.model }}
          <div class="sub">{{ e.provider }} · {{ e.model }}</div>
        </td>
      </ng-container>
      <ng-container matColumnDef="tokens">
        <th mat-header-cell *matHeaderCellDef class="num">In / out tokens</th>
        <td mat-cell *matCellDef="let e" class="amount">
          {{ e.usage['input_tokens'] ?? 0 }} / {{ e.usage['output_tokens'] ?? 0 }}
        </td>
      </ng-container>
      <ng-container matColumnDef="cost">
        <th mat-header-cell *matHeaderCellDef class="num">Cost</th>
        <td mat-cell *matCellDef="let e" class="amount" [title]="e.cost_error ?? ''">
          {{ e.total_cost === null ? 'unknown' : e.total_cost + ' ' + e.currency }}
        </td>
      </ng-container>
      <ng-container matColumnDef="project">
        <th mat-header-cell *matHeaderCellDef>Project</th>
        <td mat-cell *matCellDef="let e">
          {{ e.project_name ?? e.project }}
          <div class="sub">{{ e.user_email }}</div>
        </td>
      </ng-container>
      <ng-container matColumnDef="status">
        <th mat-header-cell *matHeaderCellDef>Status</th>
        <td mat-cell *matCellDef="let e">{{ e.status }}</td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
    </table>
    @if (cursor()) {
      <button mat-stroked-button type="button" (click)="load()" data-testid="load-more">Load more</button>
    }
  `,
})
export class UsagePage implements OnInit {
  private readonly api = inject(UsageService);
  readonly columns = ['at', 'model', 'tokens', 'cost', 'project', 'status'];
  readonly rows = signal<UsageEventDto[]>([]);
  readonly cursor = signal<string | null>(null);
  readonly loading = signal(false);

  ngOnInit(): void {
    this.load();
  }

  load(): void {
    this.loading.set(true);
    this.api.listUsageEvents({ limit: 100, cursor: this.cursor() ?? undefined }).subscribe({
      next: (page) => {
        this.rows.set([...this.rows(), ...page.data]);
        this.cursor.set(page.meta.next_cursor);
        this.loading.set(false);
      },
      error: () => this.loading.set(false),
    });
  }
}
