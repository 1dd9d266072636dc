import { DecimalPipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { CatalogReportDto, SyncService } from '@mph/admin-api-client';
import { modelRoute } from './format';
import { PricingLinks } from './pricing-links';

/** "name 4,278 · new 2,160": a breakdown in one line. */
export const countsLine = (rows: { key: string; count: number }[]) =>
  rows.length ? rows.map((r) => `${r.key} ${r.count.toLocaleString('en-US')}`).join(' · ') : 'none';

/**
 * Pricing › Catalog report: the whole catalog as the feeds built it — models, offerings and how they were linked,
 * feeds per offering, what stays unresolved or ambiguous, held prices, capability conflicts, disagreements.
 */
@Component({
  selector: 'mph-catalog-report-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DecimalPipe, JsonPipe, RouterLink, MatProgressBarModule, PricingLinks],
  template: `
    <mph-pricing-links />
    <header class="page-header"><h1>Catalog report</h1></header>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the report" />
    }
    @if (report(); as r) {
      <dl class="report" data-testid="catalog-report">
        <dt>Models</dt>
        <dd>
          {{ r.models.live | number }} live, {{ r.models.with_offerings | number }} with offerings,
          {{ r.models.merged | number }} merged
          <div class="sub">by source: {{ line(r.models.by_source) }}</div>
        </dd>
        <dt>Offerings</dt>
        <dd>
          {{ r.offerings.live | number }} live, {{ r.offerings.pinned | number }} placed by operators,
          {{ r.offerings.with_variant | number }} variants
          <div class="sub">linked by: {{ line(r.offerings.by_basis) }}</div>
          <div class="sub">feeds per offering: {{ line(r.offerings.by_feeds) }}</div>
        </dd>
        <dt>Offerings per model</dt>
        <dd>
          {{ line(r.offerings_per_model.buckets) }}
          <div class="sub">
            most served:
            @for (t of r.offerings_per_model.top.slice(0, 5); track t.model_id; let last = $last) {
              <a [routerLink]="route(t.model_id)">{{ t.model_id }}</a> ({{ t.providers }} providers){{
                last ? '' : ', '
              }}
            }
          </div>
        </dd>
        <dt>Held prices</dt>
        <dd>
          <a routerLink="/pricing/review">{{ r.held_prices.held | number }} waiting for review</a>
          <span class="sub">· {{ r.held_prices.approved }} approved · {{ r.held_prices.rejected }} rejected</span>
        </dd>
        <dt>Price disagreements</dt>
        <dd>
          <a routerLink="/pricing/quality">{{ r.price_disagreements | number }} offerings</a> differ by more than 5 %
          between sources
        </dd>
        <dt>Sources</dt>
        <dd>
          @for (s of r.sources; track s.source_id; let last = $last) {
            <span [class.status-failed]="s.stale">{{ s.name }}{{ s.stale ? ' (stale)' : '' }}</span
            >{{ last ? '' : ', ' }}
          }
        </dd>
      </dl>

      <h2 class="section">Unresolved ids ({{ r.unresolved.total | number }})</h2>
      <p class="sub">
        Offerings whose model nothing else links to: {{ line(r.unresolved.by_reason) }}. Merge or move them on the model
        page when they are another model.
      </p>
      <ul class="plain" data-testid="unresolved">
        @for (u of r.unresolved.sample; track u.provider + u.provider_model_id) {
          <li>
            {{ u.provider }} <code>{{ u.provider_model_id }}</code> →
            <a [routerLink]="route(u.model_id)">{{ u.model_id }}</a>
            <span class="sub"> · {{ u.reason }}</span>
          </li>
        }
      </ul>

      <h2 class="section">Ambiguous ids ({{ r.ambiguous.total | number }})</h2>
      <ul class="plain" data-testid="ambiguous">
        @for (a of r.ambiguous.sample; track a.provider + a.provider_model_id) {
          <li>
            {{ a.provider }} <code>{{ a.provider_model_id }}</code> →
            <a [routerLink]="route(a.model_id)">{{ a.model_id }}</a>
            <span class="sub"> · also matched {{ a.alternatives.join(', ') }}</span>
          </li>
        }
      </ul>

      <h2 class="section">Capability conflicts ({{ r.capability_conflicts.models | number }} models)</h2>
      <p class="sub">{{ line(r.capability_conflicts.by_field) }}. The model shows the value of highest precedence.</p>
      <ul class="plain" data-testid="conflicts">
        @for (c of r.capability_conflicts.sample; track c.model_id + c.field) {
          <li>
            <a [routerLink]="route(c.model_id)">{{ c.model_id }}</a> {{ c.field }}:
            @for (v of c.values; track v.source; let last = $last) {
              {{ v.source }} {{ v.value | json }}{{ last ? '' : ',' }}
            }
          </li>
        }
      </ul>
      <p class="sub">
        Generated {{ r.generated_at.slice(0, 16).replace('T', ' ') }} UTC · also <code>mph report</code>.
      </p>
    }
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
  `,
  styles: `
    .report {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 8px 24px;
    }
    .report dt {
      font-weight: 500;
    }
    .report dd {
      margin: 0;
    }
    .plain {
      list-style: none;
      padding: 0;
    }
  `,
  styleUrl: './pricing.scss',
})
export class CatalogReportPage implements OnInit {
  private readonly api = inject(SyncService);
  readonly report = signal<CatalogReportDto | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly line = countsLine;
  readonly route = modelRoute;

  ngOnInit(): void {
    this.loading.set(true);
    this.api.getCatalogReport({ sample: 20 }).subscribe({
      next: (r) => {
        this.report.set(r);
        this.loading.set(false);
      },
      error: () => {
        this.loading.set(false);
        this.error.set('The report could not be loaded; try again.');
      },
    });
  }
}
