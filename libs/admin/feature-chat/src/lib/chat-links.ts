import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { SessionStore } from '@mph/admin-feature-auth';

@Component({
  selector: 'mph-chat-links',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RouterLinkActive],
  template: `
    <nav class="links" aria-label="Chat pages">
      <a routerLink="/chat" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }">Playground</a>
      <a routerLink="/chat/connections" routerLinkActive="active">Connections</a>
      @if (operator()) {
        <a routerLink="/chat/limits" routerLinkActive="active">Limits</a>
      }
    </nav>
  `,
  styles: '.links { margin-bottom: 12px; }',
})
export class ChatLinks {
  private readonly session = inject(SessionStore);
  readonly operator = () => this.session.hasRole('operator', 'admin');
}
