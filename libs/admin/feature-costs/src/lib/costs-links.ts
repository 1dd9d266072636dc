import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { SessionStore } from '@mph/admin-feature-auth';

@Component({
  selector: 'mph-costs-links',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RouterLinkActive],
  template: `
    <nav class="links" aria-label="Cost pages">
      <a routerLink="/costs" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }">Dashboard</a>
      <a routerLink="/costs/usage" routerLinkActive="active">Usage</a>
      <a routerLink="/costs/budgets" routerLinkActive="active">Budgets</a>
      <a routerLink="/costs/estimate" routerLinkActive="active">Estimate</a>
      @if (signedIn()) {
        <a routerLink="/costs/fx-rates" routerLinkActive="active">Exchange rates</a>
      }
      @if (operator()) {
        <a routerLink="/costs/reprice" routerLinkActive="active">Re-pricing</a>
      }
    </nav>
  `,
  styles: '.links { margin-bottom: 12px; }',
})
export class CostsLinks {
  private readonly session = inject(SessionStore);
  readonly signedIn = () => this.session.signedIn();
  readonly operator = () => this.session.hasRole('operator', 'admin');
}
