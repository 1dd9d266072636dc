import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';

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
    </nav>
  `,
  styles: '.links { margin-bottom: 12px; }',
})
export class CostsLinks {}
