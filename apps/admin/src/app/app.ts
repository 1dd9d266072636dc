import { BreakpointObserver, Breakpoints } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatMenuModule } from '@angular/material/menu';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ChangePasswordDialog, SessionStore } from '@mph/admin-feature-auth';
import { filter, map } from 'rxjs';
import { NAV_ITEMS } from './app.routes';
import { ThemeService } from './theme.service';

/** The console shell: toolbar with the user menu, responsive side navigation filtered by role, theme. */
@Component({
  selector: 'mph-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatButtonModule,
    MatIconModule,
    MatListModule,
    MatMenuModule,
    MatSidenavModule,
    MatToolbarModule,
    MatTooltipModule,
  ],
  templateUrl: './app.html',
  styleUrl: './app.scss',
})
export class App {
  readonly theme = inject(ThemeService);
  readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  readonly nav = computed(() =>
    NAV_ITEMS.filter(
      (item) =>
        item.roles === undefined ||
        (this.session.signedIn() && (item.roles.length === 0 || this.session.hasRole(...item.roles))),
    ),
  );
  readonly handset = toSignal(
    inject(BreakpointObserver)
      .observe([Breakpoints.XSmall, Breakpoints.Small])
      .pipe(map((r) => r.matches)),
    { initialValue: false },
  );
  readonly sidenavMode = computed(() => (this.handset() ? 'over' : 'side'));
  readonly themeLabel = computed(() =>
    this.theme.mode() === 'dark' ? 'Switch to light theme' : 'Switch to dark theme',
  );

  /** The skip link moves focus into the page (a plain #main would change the route's URL fragment only). */
  skipToMain(event: Event): void {
    event.preventDefault();
    document.getElementById('main')?.focus();
  }

  signIn(): void {
    void this.router.navigate(['/login'], { queryParams: { returnUrl: this.router.url } });
  }

  signOut(): void {
    this.session.logout().subscribe(() => {
      this.snack.open('Signed out.', undefined, { duration: 3000 });
      void this.router.navigateByUrl('/login');
    });
  }

  changePassword(): void {
    this.dialog
      .open(ChangePasswordDialog, { width: '440px' })
      .afterClosed()
      .pipe(filter(Boolean))
      .subscribe(() =>
        this.snack.open('Password changed. Your other sessions were signed out.', 'OK', { duration: 5000 }),
      );
  }
}
