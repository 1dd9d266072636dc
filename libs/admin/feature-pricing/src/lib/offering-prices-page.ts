import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import {
  PriceEditingService,
  PriceHistoryDto,
  PricePreviewDto,
  PricesService,
  PriceVersionDto,
} from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import {
  conditionLabel,
  confirmAction,
  currentVersions,
  onLiveChange,
  perLabel,
  sinceLabel,
  StepChart,
} from '@mph/admin-ui';
import { filter, switchMap } from 'rxjs';
import { modelRoute, repriceParams, stepSeries, upcomingVersions } from './format';
import { PriceEditorDialog, PriceEditorData } from './price-editor-dialog';
import { PricingLinks } from './pricing-links';

const TIER_ORDER = ['standard', 'batch', 'flex', 'priority'];

/** One offering's prices: what is in force, what is coming, the full history as a step chart and a table. */
@Component({
  selector: 'mph-offering-prices-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    MatButtonModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    PricingLinks,
    StepChart,
  ],
  template: `
    <mph-pricing-links />
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading prices" />
    }
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    @if (history(); as h) {
      <header class="page-header">
        <div>
          <h1>{{ h.offering.provider }} · {{ h.offering.provider_model_id }}</h1>
          <div class="sub">
            serves <a [routerLink]="modelLink(h.model_id)">{{ h.model_id }}</a>
            @if (h.locked) {
              · <strong data-testid="locked">locked</strong>: sync leaves these prices alone
            }
          </div>
        </div>
        @if (canEdit()) {
          <div>
            <button mat-stroked-button type="button" (click)="toggleLock(h)" data-testid="toggle-lock">
              {{ h.locked ? 'Unlock' : 'Lock' }}
            </button>
            <button mat-flat-button type="button" (click)="edit(h)" data-testid="edit-prices">Edit prices</button>
          </div>
        }
      </header>

      <h2 class="section">In force now</h2>
      @if (!current().length) {
        <p data-testid="no-price">No price is known for this offering (unknown, not free).</p>
      }
      @for (v of current(); track v.id) {
        <p class="sub">
          {{ v.service_tier }}{{ v.region ? ' · ' + v.region : '' }} · since {{ since(v.effective_from) }} · source
          {{ v.source }}{{ v.reason ? ' · ' + v.reason : '' }}
        </p>
        <table mat-table [dataSource]="v.components" class="table" [attr.data-testid]="'current-' + v.service_tier">
          <ng-container matColumnDef="unit">
            <th mat-header-cell *matHeaderCellDef>Unit</th>
            <td mat-cell *matCellDef="let c">{{ c.unit }}</td>
          </ng-container>
          <ng-container matColumnDef="condition">
            <th mat-header-cell *matHeaderCellDef>When</th>
            <td mat-cell *matCellDef="let c">{{ condition(c) }}</td>
          </ng-container>
          <ng-container matColumnDef="amount">
            <th mat-header-cell *matHeaderCellDef class="num">{{ v.currency }}</th>
            <td mat-cell *matCellDef="let c" class="amount">{{ c.amount }}</td>
          </ng-container>
          <ng-container matColumnDef="per">
            <th mat-header-cell *matHeaderCellDef>Per</th>
            <td mat-cell *matCellDef="let c">{{ per(c.per) }}</td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="componentColumns"></tr>
          <tr mat-row *matRowDef="let row; columns: componentColumns"></tr>
        </table>
      }
      @if (upcoming().length) {
        <h2 class="section">Coming</h2>
        <ul data-testid="upcoming">
          @for (v of upcoming(); track v.id) {
            <li>
              From {{ since(v.effective_from) }} UTC ({{ v.service_tier }}): {{ summary(v)
              }}{{ v.reason ? ' — ' + v.reason : '' }}
            </li>
          }
        </ul>
      }

      <h2 class="section">History</h2>
      @if (tiers().length > 1) {
        <mat-select class="tier-select" [value]="tier()" (valueChange)="tier.set($event)" aria-label="Service tier">
          @for (t of tiers(); track t) {
            <mat-option [value]="t">{{ t }}</mat-option>
          }
        </mat-select>
      }
      <mph-step-chart [series]="series()" unitLabel="USD per 1M tokens" />
      <table mat-table [dataSource]="h.data" class="table" data-testid="history">
        <ng-container matColumnDef="from">
          <th mat-header-cell *matHeaderCellDef>From</th>
          <td mat-cell *matCellDef="let v">{{ since(v.effective_from) }}</td>
        </ng-container>
        <ng-container matColumnDef="to">
          <th mat-header-cell *matHeaderCellDef>Until</th>
          <td mat-cell *matCellDef="let v">{{ v.effective_to ? since(v.effective_to) : 'open' }}</td>
        </ng-container>
        <ng-container matColumnDef="tier">
          <th mat-header-cell *matHeaderCellDef>Tier</th>
          <td mat-cell *matCellDef="let v">{{ v.service_tier }}{{ v.region ? ' · ' + v.region : '' }}</td>
        </ng-container>
        <ng-container matColumnDef="prices">
          <th mat-header-cell *matHeaderCellDef>Prices</th>
          <td mat-cell *matCellDef="let v">
            @for (c of v.components; track $index) {
              <span class="nowrap"
                >{{ c.unit }} {{ c.amount }}
                @if (condition(c) !== 'base') {
                  ({{ condition(c) }})
                }</span
              >{{ $last ? '' : ' · ' }}
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="source">
          <th mat-header-cell *matHeaderCellDef>Source</th>
          <td mat-cell *matCellDef="let v">
            {{ v.source }}
            @if (v.reason) {
              <div class="sub">{{ v.reason }}</div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="recorded">
          <th mat-header-cell *matHeaderCellDef>Recorded</th>
          <td mat-cell *matCellDef="let v">{{ v.recorded_at.slice(0, 10) }}</td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="historyColumns"></tr>
        <tr mat-row *matRowDef="let row; columns: historyColumns"></tr>
      </table>
    }
  `,
  styleUrl: './pricing.scss',
})
export class OfferingPricesPage implements OnInit {
  private readonly route = inject(ActivatedRoute);
  private readonly prices = inject(PricesService);
  private readonly editing = inject(PriceEditingService);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  readonly canEdit = computed(() => this.session.hasRole('operator', 'admin'));
  readonly history = signal<PriceHistoryDto | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly tier = signal('standard');
  readonly componentColumns = ['unit', 'condition', 'amount', 'per'];
  readonly historyColumns = ['from', 'to', 'tier', 'prices', 'source', 'recorded'];
  readonly current = computed(() =>
    currentVersions(this.history()?.data ?? []).sort(
      (a, b) =>
        TIER_ORDER.indexOf(a.service_tier) - TIER_ORDER.indexOf(b.service_tier) || a.region.localeCompare(b.region),
    ),
  );
  readonly upcoming = computed(() => upcomingVersions(this.history()?.data ?? []));
  readonly tiers = computed(() => [...new Set((this.history()?.data ?? []).map((v) => v.service_tier))]);
  readonly series = computed(() => stepSeries(this.history()?.data ?? [], this.tier()));

  constructor() {
    onLiveChange('prices', () => this.load());
  }

  ngOnInit(): void {
    this.load();
  }

  private get id(): string {
    return this.route.snapshot.paramMap.get('id') ?? '';
  }

  load(): void {
    this.loading.set(true);
    this.prices.getPriceHistory({ id: this.id }).subscribe({
      next: (h) => {
        this.history.set(h);
        this.loading.set(false);
      },
      error: () => {
        this.loading.set(false);
        this.error.set('This offering could not be loaded.');
      },
    });
  }

  readonly modelLink = modelRoute;

  condition = conditionLabel;

  /** "input 1.5, output 8, cache_read 0.5 (prompt > 200,000 tokens: input 3)": input and output first. */
  summary(v: PriceVersionDto): string {
    const order = ['input', 'output'];
    const rank = (u: string) => order.indexOf(u) + 1 || 9;
    return [...v.components]
      .sort(
        (a, b) =>
          a.prompt_tokens_above - b.prompt_tokens_above || rank(a.unit) - rank(b.unit) || a.unit.localeCompare(b.unit),
      )
      .map((c) => `${c.unit} ${c.amount}${conditionLabel(c) === 'base' ? '' : ` (${conditionLabel(c)})`}`)
      .join(', ');
  }
  per = perLabel;
  since = sinceLabel;

  edit(h: PriceHistoryDto): void {
    const current: PriceVersionDto | null =
      this.current().find((v) => v.service_tier === 'standard' && !v.region) ?? null;
    this.dialog
      .open<PriceEditorDialog, PriceEditorData, PricePreviewDto>(PriceEditorDialog, {
        data: { offeringId: h.offering_id, title: `${h.offering.provider} · ${h.offering.provider_model_id}`, current },
        width: '860px',
        maxWidth: '96vw',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (!saved) return;
        this.load();
        const r = saved.reprice;
        if (!r) {
          this.snack.open(`Saved: new prices from ${sinceLabel(saved.effective_from)} UTC.`, 'OK', { duration: 5000 });
          return;
        }
        // A correction rewrote history already used to price calls: offer the re-pricing of exactly that window.
        this.snack
          .open(
            `Corrected from ${sinceLabel(saved.effective_from)} UTC. Calls priced before stay as they were.`,
            'Re-price them',
            {
              duration: 15000,
            },
          )
          .onAction()
          .subscribe(() => void this.router.navigate(['/costs/reprice'], { queryParams: repriceParams(r) }));
      });
  }

  toggleLock(h: PriceHistoryDto): void {
    if (h.locked) {
      this.editing.unlockPrices({ id: h.offering_id }).subscribe(() => {
        this.snack.open('Unlocked: sync may update these prices again.', 'OK', { duration: 4000 });
        this.load();
      });
      return;
    }
    confirmAction(this.dialog, {
      title: 'Lock these prices?',
      message: 'Sync runs will leave this offering’s prices alone until it is unlocked; your prices win.',
      confirm: 'Lock',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.editing.lockPrices({ id: h.offering_id, body: { reason: 'Locked in the console' } })),
      )
      .subscribe(() => {
        this.snack.open('Locked.', 'OK', { duration: 4000 });
        this.load();
      });
  }
}
