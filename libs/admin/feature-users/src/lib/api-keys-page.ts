import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import { ApiKeyDto, ApiKeysService, CreatedApiKeyDto } from '@mph/admin-api-client';
import { confirmAction, showSecret } from '@mph/admin-ui';
import { filter, switchMap } from 'rxjs';
import { CreateApiKeyDialog } from './create-api-key-dialog';
import { urlState } from './url-state';

/** API keys: yours (admins: everyone's); create with scopes, see the key once, revoke. */
@Component({
  selector: 'mph-api-keys-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    MatButtonModule,
    MatChipsModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSlideToggleModule,
    MatTableModule,
  ],
  templateUrl: './api-keys-page.html',
  styleUrl: './pages.scss',
})
export class ApiKeysPage {
  private readonly api = inject(ApiKeysService);
  private readonly dialog = inject(MatDialog);
  readonly state = urlState();
  readonly columns = [
    'name',
    'prefix',
    'scopes',
    'owner',
    'created_at',
    'last_used_at',
    'expires_at',
    'status',
    'actions',
  ];
  readonly rows = signal<ApiKeyDto[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);

  constructor() {
    effect(() => {
      this.state.params();
      this.load();
    });
  }

  includeRevoked(): boolean {
    return this.state.get('include_revoked') === 'true';
  }

  load(): void {
    this.loading.set(true);
    this.api
      .listApiKeys({ page: this.state.page(), per_page: this.state.perPage(), include_revoked: this.includeRevoked() })
      .subscribe({
        next: (res) => {
          this.rows.set(res.data);
          this.total.set(res.meta.total);
          this.loading.set(false);
        },
        error: () => this.loading.set(false),
      });
  }

  toggleRevoked(on: boolean): void {
    this.state.set({ include_revoked: on ? 'true' : null, page: null });
  }

  paginate(e: PageEvent): void {
    this.state.set({ page: e.pageIndex + 1, per_page: e.pageSize });
  }

  create(): void {
    this.dialog
      .open(CreateApiKeyDialog, { width: '520px' })
      .afterClosed()
      .pipe(
        filter((created): created is CreatedApiKeyDto => !!created),
        switchMap((created) => {
          this.load();
          return showSecret(this.dialog, {
            title: `API key "${created.name}"`,
            message:
              'Send it as "Authorization: Bearer <key>" or "X-API-Key: <key>". Copy it now and keep it somewhere safe.',
            secret: created.key,
          });
        }),
      )
      .subscribe();
  }

  revoke(key: ApiKeyDto): void {
    confirmAction(this.dialog, {
      title: `Revoke "${key.name}"?`,
      message: `Requests with mph_${key.prefix}_… will be refused from now on. This cannot be undone.`,
      confirm: 'Revoke',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.revokeApiKey({ id: key.id })),
      )
      .subscribe(() => this.load());
  }
}
