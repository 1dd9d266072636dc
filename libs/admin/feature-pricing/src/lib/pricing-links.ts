import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { SessionStore } from '@mph/admin-feature-auth';

/** The pricing area's pages; sync and data quality are for operators. */
@Component({
  selector: 'mph-pricing-links',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RouterLinkActive],
  template: `
    <nav class="links" aria-label="Pricing pages">
      <a routerLink="/pricing" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }">Prices</a>
      <a routerLink="/pricing/exports" routerLinkActive="active">Exports</a>
      @if (operator()) {
        <a routerLink="/pricing/sync" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }"
          >Sync sources</a
        >
        <a routerLink="/pricing/sync/runs" routerLinkActive="active">Sync runs</a>
        <a routerLink="/pricing/review" routerLinkActive="active">Review</a>
        <a routerLink="/pricing/quality" routerLinkActive="active">Data quality</a>
        <a routerLink="/pricing/report" routerLinkActive="active">Catalog report</a>
      }
    </nav>
  `,
  styles: '.links { margin-bottom: 12px; }',
})
export class PricingLinks {
  private readonly session = inject(SessionStore);
  readonly operator = computed(() => this.session.hasRole('operator', 'admin'));
}
