import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { SyncService, SyncSourceDto } from '@mph/admin-api-client';
import { confirmAction, onLiveChange, showSecret } from '@mph/admin-ui';
import { filter, switchMap } from 'rxjs';
import { PricingLinks } from './pricing-links';
import { SourceDialog } from './source-dialog';

/** Sync sources with their schedule and last run; run now (or a dry run), edit, add, remove. */
@Component({
  selector: 'mph-sync-sources-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatButtonModule, MatProgressBarModule, MatTableModule, PricingLinks],
  template: `
    <mph-pricing-links />
    <header class="page-header">
      <h1>Sync sources</h1>
      <button mat-flat-button type="button" (click)="open(null)" data-testid="new-source">New source</button>
    </header>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading sources" />
    }
    <table mat-table [dataSource]="sources()" class="table" data-testid="sources-table">
      <ng-container matColumnDef="name">
        <th mat-header-cell *matHeaderCellDef>Source</th>
        <td mat-cell *matCellDef="let s">
          <strong>{{ s.name }}</strong>{{ s.enabled ? '' : ' (disabled)' }}
          <div class="sub">{{ s.adapter }} · {{ s.url }}</div>
        </td>
      </ng-container>
      <ng-container matColumnDef="schedule">
        <th mat-header-cell *matHeaderCellDef>Schedule (UTC)</th>
        <td mat-cell *matCellDef="let s">{{ s.schedule ?? 'on demand' }}</td>
      </ng-container>
      <ng-container matColumnDef="last">
        <th mat-header-cell *matHeaderCellDef>Last run</th>
        <td mat-cell *matCellDef="let s" [attr.data-testid]="'last-run-' + s.name">
          @if (s.last_run; as r) {
            <a [routerLink]="['/pricing/sync/runs', r.id]" [class]="'status-' + r.status">{{ r.status }}</a>
            <div class="sub">{{ r.started_at.slice(0, 16).replace('T', ' ') }}{{ r.dry_run ? ' · dry run' : '' }}</div>
            @if (r.error) {
              <div class="sub error">{{ r.error }}</div>
            }
          } @else {
            never
          }
        </td>
      </ng-container>
      <ng-container matColumnDef="actions">
        <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
        <td mat-cell *matCellDef="let s">
          <button mat-button type="button" (click)="run(s, false)" [attr.data-testid]="'run-' + s.name">Run now</button>
          <button mat-button type="button" (click)="run(s, true)" [attr.data-testid]="'dry-run-' + s.name">
            Dry run
          </button>
          <button mat-button type="button" (click)="open(s)" [attr.data-testid]="'edit-source-' + s.name">Edit</button>
          <button mat-button type="button" (click)="secret(s)">Webhook secret</button>
          <button mat-button type="button" (click)="remove(s)">Delete</button>
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
    </table>
  `,
  styleUrl: './pricing.scss',
})
export class SyncSourcesPage implements OnInit {
  private readonly api = inject(SyncService);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  private readonly router = inject(Router);
  readonly columns = ['name', 'schedule', 'last', 'actions'];
  readonly sources = signal<SyncSourceDto[]>([]);
  readonly loading = signal(false);

  constructor() {
    onLiveChange('sync', () => this.load());
  }

  ngOnInit(): void {
    this.load();
  }

  load(): void {
    this.loading.set(true);
    this.api.listSyncSources().subscribe({
      next: ({ data }) => {
        this.sources.set(data);
        this.loading.set(false);
      },
      error: () => this.loading.set(false),
    });
  }

  run(s: SyncSourceDto, dryRun: boolean): void {
    this.api.runSyncSource({ id: s.id, body: { dry_run: dryRun } }).subscribe((run) => {
      void this.router.navigate(['/pricing/sync/runs', run.id]);
    });
  }

  open(s: SyncSourceDto | null): void {
    this.dialog
      .open(SourceDialog, { data: s, width: '720px', maxWidth: '96vw' })
      .afterClosed()
      .subscribe((saved?: SyncSourceDto) => {
        if (!saved) return;
        this.snack.open(`Saved ${saved.name}.`, 'OK', { duration: 4000 });
        this.load();
      });
  }

  secret(s: SyncSourceDto): void {
    confirmAction(this.dialog, {
      title: `New webhook secret for ${s.name}?`,
      message: s.has_webhook_secret
        ? 'The current secret stops working at once; give the new one to the vendor.'
        : 'The vendor signs pushes to /api/v1/webhooks/prices/' + s.name + ' with it.',
      confirm: 'Create secret',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.rotateSyncWebhookSecret({ id: s.id })),
        switchMap((r) =>
          showSecret(this.dialog, {
            title: 'Webhook secret',
            message: `HMAC-SHA256 key for X-MPH-Signature on pushes to /api/v1/webhooks/prices/${s.name}.`,
            secret: r.secret,
          }),
        ),
      )
      .subscribe(() => this.load());
  }

  remove(s: SyncSourceDto): void {
    confirmAction(this.dialog, {
      title: `Delete ${s.name}?`,
      message: 'Its schedule stops. Prices it brought stay, with their history; its runs stay in the log.',
      confirm: 'Delete',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.deleteSyncSource({ id: s.id })),
      )
      .subscribe(() => this.load());
  }
}
