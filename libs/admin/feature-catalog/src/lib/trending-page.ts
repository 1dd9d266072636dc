import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { ModelSummaryDto, StatsService } from '@mph/admin-api-client';
import { modelLink } from './catalog-page';

/** Catalog › trending: models whose downloads and likes grew fastest lately, optionally for one task. */
@Component({
  selector: 'mph-trending-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DecimalPipe, RouterLink, MatFormFieldModule, MatProgressBarModule, MatSelectModule, MatTableModule],
  template: `
    <header class="page-header">
      <h1>Trending</h1>
      <nav class="links" aria-label="Catalog pages">
        <a routerLink="/catalog">Models</a>
        <a routerLink="/catalog/stats">Statistics</a>
      </nav>
    </header>
    <p class="sub">
      Score = likes gained + ln(1 + downloads gained) over the last 7 days, from the daily snapshots of the
      catalog-stats job.
    </p>
    <mat-form-field appearance="outline" subscriptSizing="dynamic">
      <mat-label>Task</mat-label>
      <mat-select [value]="task()" (valueChange)="select($event)" data-testid="trending-task">
        <mat-option [value]="''">All tasks</mat-option>
        @for (t of tasks(); track t) {
          <mat-option [value]="t">{{ t }}</mat-option>
        }
      </mat-select>
    </mat-form-field>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading trending models" />
    }
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    @if (!loading() && !models().length) {
      <p class="empty" data-testid="trending-empty">
        Nothing is trending yet: the score needs at least two daily snapshots showing growth.
      </p>
    } @else {
      <table mat-table [dataSource]="models()" class="table" data-testid="trending-table">
        <ng-container matColumnDef="rank">
          <th mat-header-cell *matHeaderCellDef class="num">#</th>
          <td mat-cell *matCellDef="let m; let i = index" class="num">{{ i + 1 }}</td>
        </ng-container>
        <ng-container matColumnDef="model">
          <th mat-header-cell *matHeaderCellDef>Model</th>
          <td mat-cell *matCellDef="let m">
            <a class="model-link" [routerLink]="modelLink(m.id)">{{ m.id }}</a>
            <div class="sub">{{ m.pipeline_tag ?? '' }}</div>
          </td>
        </ng-container>
        <ng-container matColumnDef="score">
          <th mat-header-cell *matHeaderCellDef class="num">Score</th>
          <td mat-cell *matCellDef="let m" class="num">{{ m.trending_score | number: '1.0-1' }}</td>
        </ng-container>
        <ng-container matColumnDef="downloads">
          <th mat-header-cell *matHeaderCellDef class="num">Downloads</th>
          <td mat-cell *matCellDef="let m" class="num">{{ m.downloads | number }}</td>
        </ng-container>
        <ng-container matColumnDef="likes">
          <th mat-header-cell *matHeaderCellDef class="num">Likes</th>
          <td mat-cell *matCellDef="let m" class="num">{{ m.likes | number }}</td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns"></tr>
      </table>
    }
  `,
  styleUrl: './catalog.scss',
})
export class TrendingPage implements OnInit {
  private readonly api = inject(StatsService);
  readonly columns = ['rank', 'model', 'score', 'downloads', 'likes'];
  readonly models = signal<ModelSummaryDto[]>([]);
  readonly tasks = signal<string[]>([]);
  readonly task = signal('');
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly modelLink = modelLink;

  ngOnInit(): void {
    this.api.getCatalogStats().subscribe((s) => this.tasks.set(s.by_pipeline_tag.map((c) => c.key)));
    this.load();
  }

  select(task: string): void {
    this.task.set(task);
    this.load();
  }

  private load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api.listTrending({ limit: 50, ...(this.task() ? { pipeline_tag: this.task() } : {}) }).subscribe({
      next: ({ data: list }) => {
        // A zero score means no growth was measured; listing those would not be "trending".
        this.models.set(list.filter((m) => m.trending_score > 0));
        this.loading.set(false);
      },
      error: () => {
        this.loading.set(false);
        this.error.set('Trending models could not be loaded; try again.');
      },
    });
  }
}
