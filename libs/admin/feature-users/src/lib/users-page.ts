import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { UserDto, UsersService } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { confirmAction, showSecret } from '@mph/admin-ui';
import { filter, switchMap } from 'rxjs';
import { CreateUserDialog } from './create-user-dialog';
import { urlState } from './url-state';

type Role = UserDto['role'];
export const ROLE_OPTIONS: Role[] = ['admin', 'operator', 'member'];

/** Admin › Users: list, create, change role, disable/enable, reset password. */
@Component({
  selector: 'mph-users-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatMenuModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
  ],
  templateUrl: './users-page.html',
  styleUrl: './pages.scss',
})
export class UsersPage {
  private readonly api = inject(UsersService);
  readonly session = inject(SessionStore);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  readonly state = urlState();
  readonly roles = ROLE_OPTIONS;
  readonly columns = ['email', 'display_name', 'role', 'status', 'last_login_at', 'actions'];
  readonly rows = signal<UserDto[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);

  constructor() {
    effect(() => {
      this.state.params();
      this.load();
    });
  }

  load(): void {
    this.loading.set(true);
    this.api
      .listUsers({
        page: this.state.page(),
        per_page: this.state.perPage(),
        q: this.state.get('q'),
        role: this.state.get('role') as Role | undefined,
      })
      .subscribe({
        next: (res) => {
          this.rows.set(res.data);
          this.total.set(res.meta.total);
          this.loading.set(false);
        },
        error: () => this.loading.set(false),
      });
  }

  search(q: string): void {
    if ((this.state.get('q') ?? '') === q.trim()) return;
    this.state.set({ q: q.trim() || null, page: null });
  }

  filterRole(role: Role | ''): void {
    this.state.set({ role: role || null, page: null });
  }

  paginate(e: PageEvent): void {
    this.state.set({ page: e.pageIndex + 1, per_page: e.pageSize });
  }

  create(): void {
    this.dialog
      .open(CreateUserDialog, { width: '480px' })
      .afterClosed()
      .pipe(filter((created): created is UserDto & { password?: string } => !!created))
      .subscribe((created) => {
        this.load();
        if (created.password) {
          showSecret(this.dialog, {
            title: `${created.email} can now sign in`,
            message: 'Give them this generated password; they should change it after signing in.',
            secret: created.password,
          });
        } else {
          this.snack.open(`Created ${created.email}.`, 'OK', { duration: 4000 });
        }
      });
  }

  changeRole(user: UserDto, role: Role): void {
    if (role === user.role) return;
    this.api.updateUser({ id: user.id, body: { role } }).subscribe({
      next: () => {
        this.snack.open(`${user.email} is now ${role}.`, 'OK', { duration: 4000 });
        this.load();
      },
      error: () => this.load(),
    });
  }

  toggleDisabled(user: UserDto): void {
    const disable = !user.disabled;
    confirmAction(this.dialog, {
      title: disable ? `Disable ${user.email}?` : `Enable ${user.email}?`,
      message: disable
        ? 'They are signed out everywhere and their API keys stop working until enabled again.'
        : 'They can sign in again.',
      confirm: disable ? 'Disable' : 'Enable',
      destructive: disable,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.updateUser({ id: user.id, body: { disabled: disable } })),
      )
      .subscribe(() => this.load());
  }

  resetPassword(user: UserDto): void {
    confirmAction(this.dialog, {
      title: `Reset the password of ${user.email}?`,
      message: 'A new password is generated and their sessions end. The old password stops working.',
      confirm: 'Reset password',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.resetUserPassword({ id: user.id })),
        switchMap((res) =>
          showSecret(this.dialog, {
            title: 'New password',
            message: `The new password of ${user.email}:`,
            secret: res.password,
          }),
        ),
      )
      .subscribe();
  }
}
