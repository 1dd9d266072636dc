import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';

@Component({
  selector: 'mph-chat-links',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RouterLinkActive],
  template: `
    <nav class="links" aria-label="Chat pages">
      <a routerLink="/chat" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }">Playground</a>
      <a routerLink="/chat/connections" routerLinkActive="active">Connections</a>
    </nav>
  `,
  styles: '.links { margin-bottom: 12px; }',
})
export class ChatLinks {}
