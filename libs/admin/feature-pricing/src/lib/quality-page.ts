import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { DisagreementDto, ProviderTruthDto, SourceHealthDto, SyncService } from '@mph/admin-api-client';
import { PricingLinks } from './pricing-links';

/** Data quality: sources that disagree about the same offering, how fresh each source is, and the source of truth. */
@Component({
  selector: 'mph-quality-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    PricingLinks,
  ],
  template: `
    <mph-pricing-links />
    <header class="page-header"><h1>Data quality</h1></header>

    <h2 class="section">Sources</h2>
    <table mat-table [dataSource]="sources()" class="table" data-testid="source-health">
      <ng-container matColumnDef="name">
        <th mat-header-cell *matHeaderCellDef>Source</th>
        <td mat-cell *matCellDef="let s">
          {{ s.name }} <span class="sub">{{ s.adapter }}</span>
        </td>
      </ng-container>
      <ng-container matColumnDef="last">
        <th mat-header-cell *matHeaderCellDef>Last successful run</th>
        <td mat-cell *matCellDef="let s" [class.status-failed]="s.stale">
          {{ s.last_success_at ? s.last_success_at.slice(0, 16).replace('T', ' ') + ' UTC' : 'never'
          }}{{ s.stale ? ' · stale' : '' }}
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="['name', 'last']"></tr>
      <tr mat-row *matRowDef="let row; columns: ['name', 'last']"></tr>
    </table>

    <h2 class="section">Source of truth per provider</h2>
    @if (!truths().length) {
      <p class="sub">
        None chosen: the sync source that priced an offering first keeps it; others are listed below when they disagree.
      </p>
    }
    <ul data-testid="truths">
      @for (t of truths(); track t.provider) {
        <li>
          <strong>{{ t.provider }}</strong>: {{ t.source_name }} <span class="sub">(chosen by {{ t.chosen_by }})</span>
          <button mat-button type="button" (click)="clear(t.provider)">Clear</button>
        </li>
      }
    </ul>

    <h2 class="section">Disagreements</h2>
    <div class="filters">
      <mat-form-field appearance="outline">
        <mat-label>More than (%)</mat-label>
        <input matInput [(ngModel)]="minDiff" (change)="load()" data-testid="min-diff" />
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Provider</mat-label>
        <input matInput [(ngModel)]="provider" (change)="load()" />
      </mat-form-field>
    </div>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading disagreements" />
    }
    @if (!loading() && !rows().length) {
      <p data-testid="no-disagreements">No two sources disagree by more than {{ minDiff }}%.</p>
    }
    <table mat-table [dataSource]="rows()" class="table" data-testid="disagreements">
      <ng-container matColumnDef="offering">
        <th mat-header-cell *matHeaderCellDef>Offering</th>
        <td mat-cell *matCellDef="let d">
          <a [routerLink]="['/pricing/offerings', d.offering_id]">{{ d.provider }} · {{ d.provider_model_id }}</a>
          <div class="sub">
            {{ d.service_tier }}{{ d.region ? ' · ' + d.region : '' }} · in force from {{ d.current_source ?? '—' }}
          </div>
        </td>
      </ng-container>
      <ng-container matColumnDef="diff">
        <th mat-header-cell *matHeaderCellDef class="num">Differs by</th>
        <td mat-cell *matCellDef="let d" class="amount">
          {{ d.max_diff_pct === null ? 'free vs paid' : d.max_diff_pct + '%' }}
        </td>
      </ng-container>
      <ng-container matColumnDef="sources">
        <th mat-header-cell *matHeaderCellDef>What each source says (input / output per 1M)</th>
        <td mat-cell *matCellDef="let d">
          @for (o of d.observations; track o.source) {
            <div>
              <strong>{{ o.source }}</strong>: {{ o.input ?? '—' }} / {{ o.output ?? '—' }} {{ o.currency }}
              <span class="sub">since {{ o.observed_since.slice(0, 10) }}{{ o.stale ? ' · stale' : '' }}</span>
              @if (d.truth_source !== o.source) {
                <button mat-button type="button" (click)="choose(d, o.source)" [attr.data-testid]="'trust-' + o.source">
                  Trust for {{ d.provider }}
                </button>
              } @else {
                <span class="sub">· source of truth</span>
              }
            </div>
          }
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="['offering', 'diff', 'sources']"></tr>
      <tr mat-row *matRowDef="let row; columns: ['offering', 'diff', 'sources']"></tr>
    </table>
  `,
  styleUrl: './pricing.scss',
})
export class QualityPage implements OnInit {
  private readonly api = inject(SyncService);
  private readonly snack = inject(MatSnackBar);
  readonly sources = signal<SourceHealthDto[]>([]);
  readonly rows = signal<DisagreementDto[]>([]);
  readonly truths = signal<ProviderTruthDto[]>([]);
  readonly loading = signal(false);
  minDiff = '5';
  provider = '';

  ngOnInit(): void {
    this.load();
  }

  load(): void {
    this.loading.set(true);
    this.api
      .listDisagreements({ min_diff_pct: this.minDiff || '5', provider: this.provider || undefined, per_page: 100 })
      .subscribe({
        next: (r) => {
          this.rows.set(r.data);
          this.sources.set(r.meta.sources);
          this.loading.set(false);
        },
        error: () => this.loading.set(false),
      });
    this.api.listProviderTruth().subscribe(({ data }) => this.truths.set(data));
  }

  choose(d: DisagreementDto, sourceName: string): void {
    const source = this.sources().find((s) => s.name === sourceName);
    if (!source) return;
    this.api.chooseProviderTruth({ provider: d.provider, body: { source_id: source.source_id } }).subscribe(() => {
      this.snack.open(
        `${sourceName} is now the source of truth for ${d.provider}; its next run applies its prices.`,
        'OK',
        {
          duration: 6000,
        },
      );
      this.load();
    });
  }

  clear(provider: string): void {
    this.api.clearProviderTruth({ provider }).subscribe(() => this.load());
  }
}
