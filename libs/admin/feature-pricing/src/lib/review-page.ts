import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { HeldPriceDto, SyncRunSummaryDto, SyncService } from '@mph/admin-api-client';
import { conditionLabel, perLabel, silentErrors, sinceLabel } from '@mph/admin-ui';
import { modelRoute } from './format';
import { PricingLinks } from './pricing-links';

/** "Azure · eu · batch": where a held price applies, beyond the offering. */
export function heldConditions(h: Pick<HeldPriceDto, 'service_tier' | 'region'>): string {
  return [h.region ? `region ${h.region}` : '', h.service_tier !== 'standard' ? `${h.service_tier} tier` : '']
    .filter(Boolean)
    .join(' · ');
}

/** One held price in full, with an optional note, and the two decisions. Closes with the decided price. */
@Component({
  selector: 'mph-held-price-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule],
  template: `
    <h2 mat-dialog-title>{{ held.offering.provider }} · {{ held.offering.provider_model_id }}</h2>
    <mat-dialog-content>
      <p data-testid="held-reason">{{ held.reason }}</p>
      <p class="sub">
        From {{ held.source }}, for {{ held.model_id }}{{ conditions ? ' (' + conditions + ')' : '' }}, in force from
        {{ since(held.effective_from) }}. Approving publishes the whole set below as the feed gave it.
      </p>
      <table class="plain-table" aria-label="The held price set">
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Amount ({{ held.currency }})</th>
          </tr>
        </thead>
        <tbody>
          @for (c of held.components; track c.unit + c.prompt_tokens_above + c.window_start) {
            <tr [class.changed]="c.unit === held.unit && !c.prompt_tokens_above">
              <td>{{ c.unit }}{{ cond(c) === 'base' ? '' : ' · ' + cond(c) }}</td>
              <td class="amount">{{ c.amount }} {{ per(c.per) }}</td>
            </tr>
          }
        </tbody>
      </table>
      <mat-form-field appearance="outline" class="note">
        <mat-label>Note (optional, kept in the audit log)</mat-label>
        <input matInput [(ngModel)]="note" maxlength="500" data-testid="held-note" />
      </mat-form-field>
      @if (error(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>Cancel</button>
      <button mat-stroked-button type="button" (click)="decide('reject')" [disabled]="busy()" data-testid="reject-held">
        Reject
      </button>
      <button mat-flat-button type="button" (click)="decide('approve')" [disabled]="busy()" data-testid="approve-held">
        Publish this price
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .note {
      width: 100%;
      margin-top: 12px;
    }
    .plain-table {
      border-collapse: collapse;
    }
    .plain-table th,
    .plain-table td {
      text-align: left;
      padding: 2px 16px 2px 0;
    }
    .changed {
      font-weight: 600;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class HeldPriceDialog {
  readonly held = inject<HeldPriceDto>(MAT_DIALOG_DATA);
  private readonly api = inject(SyncService);
  private readonly ref = inject(MatDialogRef<HeldPriceDialog, HeldPriceDto>);
  readonly conditions = heldConditions(this.held);
  readonly cond = conditionLabel;
  readonly per = perLabel;
  readonly since = sinceLabel;
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  note = '';

  decide(action: 'approve' | 'reject'): void {
    const params = { id: this.held.id, body: this.note.trim() ? { note: this.note.trim() } : {} };
    this.busy.set(true);
    this.error.set(null);
    (action === 'approve'
      ? this.api.approveHeldPrice(params, silentErrors())
      : this.api.rejectHeldPrice(params, silentErrors())
    ).subscribe({
      next: (decided) => this.ref.close(decided),
      error: (e: { error?: { error?: { message?: string } } }) => {
        this.busy.set(false);
        this.error.set(e.error?.error?.message ?? 'The decision could not be saved; try again.');
      },
    });
  }
}

/**
 * Pricing › Review: what waits for an operator — quarantined sync runs (a feed changed too much at once) and prices the
 * sanity guards held (far from the model's other offerings, or from another feed), each with the reason.
 */
@Component({
  selector: 'mph-review-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    PricingLinks,
  ],
  template: `
    <mph-pricing-links />
    <header class="page-header"><h1>Review</h1></header>
    <section class="review-block" aria-labelledby="quarantined-title">
      <h2 id="quarantined-title">Quarantined runs</h2>
      @if (runs().length) {
        <ul class="plain" data-testid="quarantined-runs">
          @for (r of runs(); track r.id) {
            <li>
              <a [routerLink]="['/pricing/sync/runs', r.id]">{{ r.source_name }}, {{ since(r.started_at) }} UTC</a>
              <span class="sub"> · {{ r.quarantine_reason }}</span>
            </li>
          }
        </ul>
      } @else {
        <p class="sub" data-testid="no-quarantined">No run waits for a decision.</p>
      }
    </section>
    <section class="review-block" aria-labelledby="held-title">
      <h2 id="held-title">Held prices</h2>
      <p class="sub">
        New or changed prices a sync did not publish because they are far from the model's other offerings or from
        another feed's report of the same offering. The rest of each run was applied.
      </p>
      <mat-form-field appearance="outline">
        <mat-label>Show</mat-label>
        <mat-select [ngModel]="status()" (ngModelChange)="setStatus($event)" data-testid="held-status">
          @for (s of statuses; track s.value) {
            <mat-option [value]="s.value">{{ s.label }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      @if (loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading held prices" />
      }
      @if (!loading() && !held().length) {
        <p class="empty" data-testid="no-held">
          {{ status() === 'held' ? 'Nothing is held: every price the syncs brought was published.' : 'None.' }}
        </p>
      } @else {
        <div class="table-scroll">
          <table mat-table [dataSource]="held()" class="table" data-testid="held-table">
            <ng-container matColumnDef="offering">
              <th mat-header-cell *matHeaderCellDef>Offering</th>
              <td mat-cell *matCellDef="let h">
                <strong>{{ h.offering.provider }}</strong> · <code>{{ h.offering.provider_model_id }}</code>
                <div class="sub">
                  <a [routerLink]="route(h.model_id)">{{ h.model_id }}</a>
                  @if (cond(h); as c) {
                    · {{ c }}
                  }
                </div>
              </td>
            </ng-container>
            <ng-container matColumnDef="price">
              <th mat-header-cell *matHeaderCellDef>Held price</th>
              <td mat-cell *matCellDef="let h" class="amount">
                {{ h.unit }} {{ h.amount }} {{ h.currency }}
                <div class="sub">
                  ×{{ h.factor }} {{ h.kind === 'median' ? 'the median' : 'the other feed' }} ({{ h.reference }})
                </div>
              </td>
            </ng-container>
            <ng-container matColumnDef="looks">
              <th mat-header-cell *matHeaderCellDef>Looks like</th>
              <td mat-cell *matCellDef="let h">{{ h.looks_like ?? 'no known unit slip' }}</td>
            </ng-container>
            <ng-container matColumnDef="source">
              <th mat-header-cell *matHeaderCellDef>From</th>
              <td mat-cell *matCellDef="let h">
                {{ h.source }}
                <div class="sub">held {{ since(h.created_at) }}</div>
              </td>
            </ng-container>
            <ng-container matColumnDef="action">
              <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Decision</span></th>
              <td mat-cell *matCellDef="let h">
                @if (h.status === 'held') {
                  <button
                    mat-stroked-button
                    type="button"
                    (click)="open(h)"
                    [attr.aria-label]="
                      'Review the held price of ' + h.offering.provider + ' ' + h.offering.provider_model_id
                    "
                    [attr.data-testid]="'review-' + h.offering.provider"
                  >
                    Review…
                  </button>
                } @else {
                  <span [class]="'status-' + h.status">{{ h.status }}</span>
                  @if (h.decided_by) {
                    <div class="sub">by {{ h.decided_by }}{{ h.decision_note ? ': ' + h.decision_note : '' }}</div>
                  }
                }
              </td>
            </ng-container>
            <tr mat-header-row *matHeaderRowDef="columns"></tr>
            <tr mat-row *matRowDef="let row; columns: columns"></tr>
          </table>
        </div>
        <mat-paginator
          [length]="total()"
          [pageIndex]="page() - 1"
          [pageSize]="25"
          [hidePageSize]="true"
          (page)="onPage($event)"
        />
      }
    </section>
  `,
  styleUrl: './pricing.scss',
})
export class ReviewPage implements OnInit {
  private readonly api = inject(SyncService);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  readonly statuses = [
    { value: 'held', label: 'Waiting for a decision' },
    { value: 'approved', label: 'Approved' },
    { value: 'rejected', label: 'Rejected' },
    { value: 'superseded', label: 'Superseded by a later run' },
  ];
  readonly columns = ['offering', 'price', 'looks', 'source', 'action'];
  readonly runs = signal<SyncRunSummaryDto[]>([]);
  readonly held = signal<HeldPriceDto[]>([]);
  readonly total = signal(0);
  readonly page = signal(1);
  readonly status = signal<'held' | 'approved' | 'rejected' | 'superseded'>('held');
  readonly loading = signal(false);
  readonly since = sinceLabel;
  readonly cond = heldConditions;
  readonly route = modelRoute;

  ngOnInit(): void {
    this.api.listSyncRuns({ status: 'quarantined', per_page: 50 }).subscribe((r) => this.runs.set(r.data));
    this.load();
  }

  load(): void {
    this.loading.set(true);
    this.api.listHeldPrices({ status: this.status(), page: this.page(), per_page: 25 }).subscribe({
      next: (r) => {
        this.held.set(r.data);
        this.total.set(r.meta.total);
        this.loading.set(false);
      },
      error: () => this.loading.set(false),
    });
  }

  setStatus(status: 'held' | 'approved' | 'rejected' | 'superseded'): void {
    this.status.set(status);
    this.page.set(1);
    this.load();
  }

  onPage(e: PageEvent): void {
    this.page.set(e.pageIndex + 1);
    this.load();
  }

  open(h: HeldPriceDto): void {
    this.dialog
      .open(HeldPriceDialog, { data: h, width: '560px', autoFocus: 'dialog' })
      .afterClosed()
      .subscribe((decided?: HeldPriceDto) => {
        if (!decided) return;
        this.snack.open(
          decided.status === 'approved'
            ? `Published the ${decided.offering.provider} price.`
            : `Rejected; ${decided.source} will not ask about this price again.`,
          'OK',
          { duration: 5000 },
        );
        this.load();
      });
  }
}
