import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { SyncDiffItemDto, SyncRunDto, SyncRunSummaryDto, SyncService } from '@mph/admin-api-client';
import { conditionLabel, confirmAction, MoneyPipe } from '@mph/admin-ui';
import { filter, switchMap } from 'rxjs';
import { PricingLinks } from './pricing-links';

const PHASES = ['queued', 'fetching', 'reading', 'parsing', 'planning', 'applying', 'done'];

interface ChangeView {
  unit: string;
  before: string | null;
  after: string | null;
  change: string;
  ratio: string | null;
  prompt_tokens_above: number;
  window_start: string | null;
  window_end: string | null;
}

/** A changed price with the conditions it holds under: the version's tier and region, the component's tier/window. */
export interface ConditionedChange extends ChangeView {
  /** "standard", "batch · eu-west", "standard · prompt > 200,000 tokens" … */
  condition: string;
  currency: string;
}

/** Every change of a diff item, each naming its service tier, region, prompt tier and time window. */
export function conditionedChanges(o: SyncDiffItemDto): ConditionedChange[] {
  return o.versions.flatMap((v) =>
    (v.changes as unknown as ChangeView[])
      .filter((c) => c.change !== 'unchanged')
      .map((c) => {
        const component = conditionLabel(c);
        const parts = [v.service_tier, v.region || null, component === 'base' ? null : component];
        return { ...c, condition: parts.filter(Boolean).join(' · '), currency: v.currency };
      }),
  );
}

/** What each counter of a run means, for the counters' descriptions. */
export const COUNT_MEANINGS: Record<string, string> = {
  entries: 'records in the feed',
  added: 'offerings priced for the first time',
  changed: 'offerings whose price changed',
  unchanged: 'offerings whose price is the same',
  missing: 'offerings the feed no longer lists (marked, never deleted)',
  locked: 'offerings an operator locked: left alone',
  deferred: 'records another source is the truth for: not applied from this one',
  invalid: 'records that could not be read (listed below)',
  held: 'prices held for review by the sanity guards',
  versions_written: 'price versions written',
};

/** "2921" ms → "2.9 s". */
export const tookText = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** One run: live progress while it runs (server-sent events), then its counts, diff and errors; decide on quarantine. */
@Component({
  selector: 'mph-sync-run-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DecimalPipe,
    RouterLink,
    MoneyPipe,
    MatButtonModule,
    MatProgressBarModule,
    MatTableModule,
    MatTooltipModule,
    PricingLinks,
  ],
  template: `
    <mph-pricing-links />
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    @if (summary(); as r) {
      <header class="page-header">
        <div>
          <h1>{{ r.dry_run ? 'Dry run' : 'Run' }} of {{ r.source_name }}</h1>
          <div class="sub">
            {{ r.trigger }} · started {{ r.started_at.slice(0, 19).replace('T', ' ') }} UTC{{
              r.started_by ? ' by ' + r.started_by : ''
            }}
          </div>
        </div>
        @if (r.status === 'quarantined') {
          <div>
            <button mat-stroked-button type="button" (click)="decide('reject')" data-testid="reject-run">Reject</button>
            <button mat-flat-button type="button" (click)="decide('approve')" data-testid="approve-run">
              Approve and apply
            </button>
          </div>
        }
      </header>
      <p>
        Status: <strong [class]="'status-' + r.status" data-testid="run-status">{{ r.status }}</strong>
        @if (r.status === 'running') {
          · <span data-testid="run-phase">{{ r.phase }}</span>
        }
      </p>
      @if (r.status === 'running') {
        <mat-progress-bar
          mode="determinate"
          [value]="progress()"
          aria-label="Run progress"
          data-testid="run-progress"
        />
      }
      @if (r.error) {
        <p class="error" role="alert" data-testid="run-error">{{ r.error }}</p>
      }
      @if (r.quarantine_reason) {
        <p class="status-quarantined" data-testid="quarantine-reason">
          Quarantined: {{ r.quarantine_reason }}
          @switch (r.status) {
            @case ('quarantined') {
              Nothing was written; approve to apply exactly the changes below, or reject.
            }
            @case ('rejected') {
              An operator rejected it: nothing was written.
            }
            @case ('approved') {
              An operator approved it: the changes below were applied.
            }
          }
        </p>
      }
      <div class="counts" data-testid="run-counts">
        @for (c of counts(); track c.name) {
          <div [matTooltip]="c.meaning" tabindex="0" [attr.aria-label]="c.value + ' ' + c.name + ': ' + c.meaning">
            <strong>{{ c.value | number }}</strong><span class="sub">{{ c.name }}</span>
          </div>
        }
        @if (took(); as t) {
          <div>
            <strong>{{ t }}</strong><span class="sub">took</span>
          </div>
        }
      </div>
    }
    @if (detail(); as d) {
      @if (d.changed.length) {
        <h2 class="section">Changed prices ({{ d.counts.changed }})</h2>
        <table mat-table [dataSource]="d.changed" class="table" data-testid="run-changed">
          <ng-container matColumnDef="offering">
            <th mat-header-cell *matHeaderCellDef>Offering</th>
            <td mat-cell *matCellDef="let o">
              @if (o.offering_id) {
                <a [routerLink]="['/pricing/offerings', o.offering_id]">{{ o.provider }} · {{ o.provider_model_id }}</a>
              } @else {
                {{ o.provider }} · {{ o.provider_model_id }}
              }
            </td>
          </ng-container>
          <ng-container matColumnDef="changes">
            <th mat-header-cell *matHeaderCellDef>Changes</th>
            <td mat-cell *matCellDef="let o">
              @for (c of changes(o); track $index) {
                <div>
                  {{ c.unit }} <span class="sub">({{ c.condition }})</span>:
                  {{ c.before | money: c.currency : '—' : true }} →
                  <strong>{{ c.after | money: c.currency : '—' : true }}</strong>
                  @if (c.ratio) {
                    <span class="sub">×{{ c.ratio }}</span>
                  }
                </div>
              }
            </td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="['offering', 'changes']"></tr>
          <tr mat-row *matRowDef="let row; columns: ['offering', 'changes']"></tr>
        </table>
      }
      @if (d.added.length) {
        <h2 class="section">New offerings ({{ d.counts.added }})</h2>
        <ul class="sub">
          @for (o of d.added.slice(0, 100); track $index) {
            <li>{{ o.provider }} · {{ o.provider_model_id }}</li>
          }
        </ul>
      }
      @if (d.missing.length) {
        <h2 class="section">Missing from the feed ({{ d.counts.missing }}) — marked, never deleted</h2>
        <ul class="sub">
          @for (m of d.missing.slice(0, 100); track $index) {
            <li>{{ $any(m).feed_ref }}</li>
          }
        </ul>
      }
      @if (d.invalid.length) {
        <h2 class="section">Not used ({{ d.invalid.length }})</h2>
        <ul class="sub" data-testid="run-invalid">
          @for (m of d.invalid.slice(0, 100); track $index) {
            <li>{{ $any(m).ref }}: {{ $any(m).reason }}</li>
          }
        </ul>
      }
    }
  `,
  styleUrl: './pricing.scss',
})
export class SyncRunPage implements OnInit {
  private readonly api = inject(SyncService);
  private readonly route = inject(ActivatedRoute);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  private readonly destroyRef = inject(DestroyRef);
  readonly summary = signal<SyncRunSummaryDto | null>(null);
  readonly detail = signal<SyncRunDto | null>(null);
  readonly error = signal<string | null>(null);
  private events?: EventSource;
  readonly progress = computed(() => {
    const phase = this.summary()?.phase ?? 'queued';
    return Math.round((Math.max(0, PHASES.indexOf(phase)) / (PHASES.length - 1)) * 100);
  });
  readonly counts = computed(() => {
    const c = (this.summary()?.counts ?? {}) as Record<string, number | undefined>;
    return Object.keys(COUNT_MEANINGS)
      .filter((k) => c[k] !== undefined)
      .map((k) => ({ name: k.replace(/_/g, ' '), value: c[k] as number, meaning: COUNT_MEANINGS[k] }));
  });

  ngOnInit(): void {
    this.destroyRef.onDestroy(() => this.events?.close());
    this.load();
  }

  private get id(): string {
    return this.route.snapshot.paramMap.get('id') ?? '';
  }

  private load(): void {
    this.api.getSyncRun({ id: this.id }).subscribe({
      next: (run) => {
        this.summary.set(run);
        if (run.status === 'running') this.follow();
        else this.detail.set(run);
      },
      error: () => this.error.set('This run could not be loaded.'),
    });
  }

  /** Live progress over server-sent events; EventSource cannot send a token, so the API hands out a short ticket. */
  private follow(): void {
    this.api.createSyncStreamTicket({ id: this.id }).subscribe((t) => {
      this.events?.close();
      const source = new EventSource(t.url);
      this.events = source;
      const update = (e: MessageEvent<string>) => this.summary.set(JSON.parse(e.data) as SyncRunSummaryDto);
      source.addEventListener('progress', update as EventListener);
      source.addEventListener('done', ((e: MessageEvent<string>) => {
        update(e);
        source.close();
        this.load();
      }) as EventListener);
      source.onerror = () => {
        source.close();
        this.load();
      };
    });
  }

  readonly changes = conditionedChanges;
  readonly took = computed(() => {
    const ms = (this.summary()?.counts as Record<string, number | undefined> | undefined)?.['duration_ms'];
    return ms === undefined ? null : tookText(ms);
  });

  decide(action: 'approve' | 'reject'): void {
    confirmAction(this.dialog, {
      title: action === 'approve' ? 'Apply this run?' : 'Reject this run?',
      message:
        action === 'approve'
          ? 'The changes listed here are written as they are, in one transaction (refused if prices moved since).'
          : 'Nothing from this run is written. The next run starts from the current prices again.',
      confirm: action === 'approve' ? 'Approve and apply' : 'Reject',
      destructive: action === 'reject',
    })
      .pipe(
        filter(Boolean),
        switchMap(() =>
          action === 'approve' ? this.api.approveSyncRun({ id: this.id }) : this.api.rejectSyncRun({ id: this.id }),
        ),
      )
      .subscribe(() => {
        this.snack.open(action === 'approve' ? 'Applied.' : 'Rejected.', 'OK', { duration: 4000 });
        this.load();
      });
  }
}
