import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatTableModule } from '@angular/material/table';
import { ConnectionDto, ConnectionsService, ConnectionTestDto } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { byId, confirmAction, silentErrors } from '@mph/admin-ui';
import { filter, switchMap } from 'rxjs';
import { ChatLinks } from './chat-links';
import { ConnectionDialog, parseModels } from './connection-dialog';

export { parseModels };

/** Provider connections: add one, test it (lists the upstream's models), see its circuit breaker, edit or remove it. */
@Component({
  selector: 'mph-connections-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatTableModule,
    ChatLinks,
  ],
  template: `
    <mph-chat-links />
    <header class="page-header"><h1>Connections</h1></header>
    <p class="sub">
      Any OpenAI-compatible endpoint (OpenAI, OpenRouter, Together, Groq, vLLM, Ollama …). Keys are stored encrypted and
      never shown again. Calls fail over between connections serving the same model, lowest priority first.
    </p>
    <table mat-table [dataSource]="rows()" [trackBy]="byId" data-testid="connections">
      <ng-container matColumnDef="name">
        <th mat-header-cell *matHeaderCellDef>Name</th>
        <td mat-cell *matCellDef="let c">
          {{ c.name }}
          <span class="sub"
            >{{ c.shared ? 'shared' : 'mine' }}{{ c.enabled ? '' : ' · disabled' }} · priority {{ c.priority
            }}{{ c.response_cache_seconds ? ' · cache ' + c.response_cache_seconds + ' s' : '' }}</span
          >
        </td>
      </ng-container>
      <ng-container matColumnDef="endpoint">
        <th mat-header-cell *matHeaderCellDef>Endpoint</th>
        <td mat-cell *matCellDef="let c">
          {{ c.kind === 'local' ? 'built-in (local echo)' : (c.base_url ?? 'shared endpoint') }}
          <span class="sub"
            >{{ c.provider ? 'priced as ' + c.provider : 'unpriced'
            }}{{ c.key_hint ? ' · key ' + c.key_hint : '' }}</span
          >
        </td>
      </ng-container>
      <ng-container matColumnDef="models">
        <th mat-header-cell *matHeaderCellDef>Models</th>
        <td mat-cell *matCellDef="let c">{{ modelList(c) }}</td>
      </ng-container>
      <ng-container matColumnDef="breaker">
        <th mat-header-cell *matHeaderCellDef>Breaker</th>
        <td mat-cell *matCellDef="let c" [attr.data-testid]="'breaker-' + c.name">
          <span class="state" [class.bad]="c.breaker.state !== 'closed'">{{ c.breaker.state.replace('_', '-') }}</span>
          @if (c.breaker.consecutive_failures) {
            <span class="sub">{{ c.breaker.consecutive_failures }} failures</span>
          }
        </td>
      </ng-container>
      <ng-container matColumnDef="actions">
        <th mat-header-cell *matHeaderCellDef></th>
        <td mat-cell *matCellDef="let c">
          <button mat-button type="button" (click)="test(c)" [attr.data-testid]="'test-' + c.name">Test</button>
          @if (canEdit(c)) {
            <button mat-button type="button" (click)="edit(c)" [attr.data-testid]="'edit-' + c.name">Edit</button>
          }
          @if (canEdit(c) && c.kind !== 'local') {
            <button mat-button type="button" (click)="remove(c)" [attr.data-testid]="'remove-' + c.name">Remove</button>
          }
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
    </table>
    @if (tested(); as t) {
      <p class="result" data-testid="test-result" role="status">
        {{ t.name }}:
        {{
          t.result.ok
            ? 'reachable in ' + t.result.latency_ms + ' ms, ' + t.result.models.length + ' models'
            : t.result.error
        }}
        @if (t.result.ok && t.result.models.length) {
          <span class="sub"
            >({{ t.result.models.slice(0, 8).join(', ') }}{{ t.result.models.length > 8 ? ', …' : '' }})</span
          >
        }
      </p>
    }
    <h2>Add a connection</h2>
    <form class="filters" (ngSubmit)="add()">
      <mat-form-field appearance="outline">
        <mat-label>Name</mat-label>
        <input matInput name="name" [(ngModel)]="form.name" data-testid="connection-name" />
      </mat-form-field>
      <mat-form-field appearance="outline" class="wide">
        <mat-label>Base URL</mat-label>
        <input
          matInput
          name="base_url"
          [(ngModel)]="form.base_url"
          placeholder="https://api.openai.com/v1"
          data-testid="connection-url"
        />
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Priced as (provider)</mat-label>
        <input matInput name="provider" [(ngModel)]="form.provider" placeholder="openai" />
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>API key</mat-label>
        <input matInput name="api_key" type="password" autocomplete="off" [(ngModel)]="form.api_key" />
      </mat-form-field>
      <mat-form-field appearance="outline" class="wide">
        <mat-label>Models (id or id=upstream id, comma separated)</mat-label>
        <input matInput name="models" [(ngModel)]="form.models" data-testid="connection-models" />
      </mat-form-field>
      @if (admin()) {
        <mat-checkbox name="shared" [(ngModel)]="form.shared">Shared with everyone</mat-checkbox>
      }
      <button
        mat-flat-button
        type="submit"
        [disabled]="!form.name.trim() || !form.base_url.trim()"
        data-testid="add-connection"
      >
        Add
      </button>
    </form>
    @if (error(); as e) {
      <p class="error" role="alert">{{ e }}</p>
    }
  `,
  styles: `
    .sub {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
      margin-left: 4px;
    }
    .state.bad {
      color: var(--mat-sys-error);
      font-weight: 500;
    }
    .wide {
      min-width: 320px;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class ConnectionsPage implements OnInit {
  readonly byId = byId;
  private readonly api = inject(ConnectionsService);
  private readonly dialog = inject(MatDialog);
  private readonly session = inject(SessionStore);
  readonly rows = signal<ConnectionDto[]>([]);
  readonly tested = signal<{ name: string; result: ConnectionTestDto } | null>(null);
  readonly error = signal<string | null>(null);
  readonly columns = ['name', 'endpoint', 'models', 'breaker', 'actions'];
  readonly admin = () => this.session.hasRole('admin');
  form = { name: '', base_url: '', provider: '', api_key: '', models: '', shared: false };

  ngOnInit(): void {
    this.load();
  }

  modelList(c: ConnectionDto): string {
    return c.models
      .map((m) => (m.model === m.upstream_model ? m.model : `${m.model} → ${m.upstream_model}`))
      .join(', ');
  }

  canEdit(c: ConnectionDto): boolean {
    return c.shared ? this.admin() : true;
  }

  test(c: ConnectionDto): void {
    this.api.testConnection({ id: c.id }).subscribe((result) => {
      this.tested.set({ name: c.name, result });
      this.load();
    });
  }

  add(): void {
    this.error.set(null);
    const f = this.form;
    this.api
      .createConnection(
        {
          body: {
            name: f.name.trim(),
            base_url: f.base_url.trim(),
            provider: f.provider.trim() || null,
            ...(f.api_key ? { api_key: f.api_key } : {}),
            ...(f.shared ? { shared: true } : {}),
            models: parseModels(f.models),
          },
        },
        silentErrors(),
      )
      .subscribe({
        next: () => {
          this.form = { name: '', base_url: '', provider: '', api_key: '', models: '', shared: false };
          this.load();
        },
        error: (e: HttpErrorResponse) =>
          this.error.set(e.error?.error?.message ?? 'The connection could not be added.'),
      });
  }

  edit(c: ConnectionDto): void {
    this.dialog
      .open(ConnectionDialog, { data: { connection: c }, width: '760px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((saved?: ConnectionDto) => {
        if (saved) this.load();
      });
  }

  remove(c: ConnectionDto): void {
    confirmAction(this.dialog, {
      title: `Remove ${c.name}?`,
      message: 'Calls stop going to it; its usage history stays.',
      confirm: 'Remove',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.deleteConnection({ id: c.id })),
      )
      .subscribe(() => this.load());
  }

  private load(): void {
    this.api.listConnections().subscribe(({ data }) => this.rows.set(data));
  }
}
