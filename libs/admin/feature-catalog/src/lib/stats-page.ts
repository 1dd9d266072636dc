import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { CatalogStatsDto, ModelSummaryDto, StatsService } from '@mph/admin-api-client';
import { RouterLink } from '@angular/router';
import { forkJoin } from 'rxjs';
import { BarChart } from './bar-chart';
import { modelLink } from './catalog-page';

/** Catalog › Stats: totals, counts by task, library, license and lineage relation (charts), and what is trending. */
@Component({
  selector: 'mph-stats-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DecimalPipe, RouterLink, MatCardModule, MatProgressBarModule, BarChart],
  template: `
    <header class="page-header"><h1>Catalog statistics</h1></header>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading statistics" />
    }
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    @if (stats(); as s) {
      <div class="totals" data-testid="totals">
        <mat-card appearance="outlined"
          ><mat-card-content
            ><strong>{{ s.totals.models | number }}</strong> models</mat-card-content
          ></mat-card
        >
        <mat-card appearance="outlined"
          ><mat-card-content
            ><strong>{{ s.totals.vendors | number }}</strong> vendors</mat-card-content
          ></mat-card
        >
        <mat-card appearance="outlined"
          ><mat-card-content
            ><strong>{{ s.totals.offerings | number }}</strong> offerings</mat-card-content
          ></mat-card
        >
        <mat-card appearance="outlined"
          ><mat-card-content
            ><strong>{{ s.totals.authors | number }}</strong> authors</mat-card-content
          ></mat-card
        >
        <mat-card appearance="outlined"
          ><mat-card-content
            ><strong>{{ s.totals.base_model_relations | number }}</strong> lineage edges</mat-card-content
          ></mat-card
        >
      </div>
      <div class="charts">
        <mph-bar-chart
          caption="Models by task"
          [labels]="keys(s.by_pipeline_tag)"
          [values]="counts(s.by_pipeline_tag)"
        />
        <mph-bar-chart caption="Models by library" [labels]="keys(s.by_library)" [values]="counts(s.by_library)" />
        <mph-bar-chart caption="Models by license" [labels]="keys(s.by_license)" [values]="counts(s.by_license)" />
        <mph-bar-chart
          caption="Derivatives by relation"
          [labels]="keys(s.by_relation)"
          [values]="counts(s.by_relation)"
        />
      </div>
    }
    <h2>Trending</h2>
    @if (trending().length) {
      <ol class="trending" data-testid="trending">
        @for (m of trending(); track m.id) {
          <li>
            <a [routerLink]="modelLink(m.id)">{{ m.display_name }}</a>
            <span class="sub">{{ m.id }} · score {{ m.trending_score | number: '1.0-1' }}</span>
          </li>
        }
      </ol>
    } @else {
      <!-- A sentence, not a numbered list item. -->
      <p class="sub" data-testid="trending">Nothing trending yet: scores come from the daily catalog-stats job.</p>
    }
  `,
  styleUrl: './catalog.scss',
  styles: `
    .totals {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      margin-bottom: 24px;
    }
    .trending .sub {
      margin-left: 8px;
    }
    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(360px, 1fr));
      gap: 24px;
    }
  `,
})
export class StatsPage implements OnInit {
  private readonly api = inject(StatsService);
  readonly stats = signal<CatalogStatsDto | null>(null);
  readonly trending = signal<ModelSummaryDto[]>([]);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly modelLink = modelLink;
  readonly keys = (rows: { key: string }[]) => rows.map((r) => r.key);
  readonly counts = (rows: { count: number }[]) => rows.map((r) => r.count);

  ngOnInit(): void {
    this.loading.set(true);
    forkJoin({ stats: this.api.getCatalogStats(), trending: this.api.listTrending({ limit: 10 }) }).subscribe({
      next: ({ stats, trending }) => {
        this.stats.set(stats);
        // A zero score means no growth was measured yet; listing those would not be "trending".
        this.trending.set(trending.data.filter((m) => m.trending_score > 0));
        this.loading.set(false);
      },
      error: () => {
        this.loading.set(false);
        this.error.set('Statistics could not be loaded; try again.');
      },
    });
  }
}
