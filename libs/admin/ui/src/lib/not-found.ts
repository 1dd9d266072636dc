import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Router, RouterLink } from '@angular/router';

/** An address the console does not know: says so, shows it, and offers the ways on. */
@Component({
  selector: 'mph-not-found',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, RouterLink],
  template: `
    <h1>Page not found</h1>
    <p>
      <code>{{ url }}</code> does not match any page of the console. The link may be old, or the address mistyped.
    </p>
    <nav class="ways" aria-label="Ways on">
      <a mat-flat-button routerLink="/">Home</a>
      <a mat-stroked-button routerLink="/catalog">Search the catalog</a>
    </nav>
  `,
  styles: `
    h1 {
      font: var(--mat-sys-headline-small);
    }
    .ways {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
    }
  `,
})
export class NotFound {
  readonly url = inject(Router).url;
}
