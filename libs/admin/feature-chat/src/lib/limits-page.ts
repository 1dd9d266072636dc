import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal, ViewChild } from '@angular/core';
import { FormBuilder, FormGroupDirective, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { ApiKeysService, ChatService, ConnectionsService, GatewayLimitDto } from '@mph/admin-api-client';
import { applyServerErrors, byId, confirmAction, fieldError, silentErrors } from '@mph/admin-ui';
import { filter, switchMap } from 'rxjs';
import { ChatLinks } from './chat-links';

/** A limit as a sentence: "600 requests and 200,000 tokens per minute". */
export function limitText(l: Pick<GatewayLimitDto, 'requests_per_minute' | 'tokens_per_minute'>): string {
  const parts = [
    l.requests_per_minute !== null ? `${l.requests_per_minute.toLocaleString('en-US')} requests` : null,
    l.tokens_per_minute !== null ? `${l.tokens_per_minute.toLocaleString('en-US')} tokens` : null,
  ].filter(Boolean);
  return parts.length ? `${parts.join(' and ')} per minute` : 'no limit';
}

/**
 * Gateway limits (operators): requests and tokens per minute per API key or project, for gateway and chat calls;
 * over them a call gets 429 with Retry-After. Setting a limit on a key or project that has one replaces it.
 */
@Component({
  selector: 'mph-limits-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
    ChatLinks,
  ],
  template: `
    <mph-chat-links />
    <header class="page-header"><h1>Gateway limits</h1></header>
    <p class="sub">
      Requests and tokens per minute for an API key or a project, on gateway and chat calls. Over a limit, calls get 429
      with Retry-After. Setting a limit where one exists replaces it.
    </p>
    @if (rows().length) {
      <table mat-table [dataSource]="rows()" [trackBy]="byId" data-testid="limits">
        <ng-container matColumnDef="on">
          <th mat-header-cell *matHeaderCellDef>On</th>
          <td mat-cell *matCellDef="let l">
            {{ l.scope === 'api_key' ? 'API key' : 'Project' }} <strong>{{ nameOf(l) }}</strong>
          </td>
        </ng-container>
        <ng-container matColumnDef="limit">
          <th mat-header-cell *matHeaderCellDef>Limit</th>
          <td mat-cell *matCellDef="let l">{{ limitText(l) }}</td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let l">
            <button mat-button type="button" (click)="edit(l)" [attr.aria-label]="'Change the limit on ' + nameOf(l)">
              Change
            </button>
            <button mat-button type="button" (click)="remove(l)" [attr.aria-label]="'Remove the limit on ' + nameOf(l)">
              Remove
            </button>
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" [attr.data-testid]="'limit-' + nameOf(row)"></tr>
      </table>
    } @else if (loaded()) {
      <p data-testid="no-limits">
        No limits yet: keys and projects are only held by budgets and the public rate limit.
      </p>
    }
    <h2>{{ editing() ? 'Change the limit' : 'Set a limit' }}</h2>
    <form [formGroup]="form" #formDir="ngForm" (ngSubmit)="save()" class="filters" novalidate>
      <mat-form-field appearance="outline">
        <mat-label>On</mat-label>
        <mat-select formControlName="scope" data-testid="limit-scope">
          <mat-option value="api_key">an API key</mat-option>
          <mat-option value="project">a project</mat-option>
        </mat-select>
      </mat-form-field>
      <mat-form-field appearance="outline" class="wide">
        <mat-label>{{ form.controls.scope.value === 'project' ? 'Project' : 'API key' }}</mat-label>
        <input
          matInput
          formControlName="scope_id"
          [matAutocomplete]="targets"
          data-testid="limit-target"
          [placeholder]="form.controls.scope.value === 'project' ? 'name or id' : 'pick a key, or paste its id'"
        />
        <mat-autocomplete #targets="matAutocomplete" [displayWith]="display">
          @for (o of options(); track o.id) {
            <mat-option [value]="o.id">{{ o.name }}</mat-option>
          }
        </mat-autocomplete>
        @if (form.controls.scope_id.invalid) {
          <mat-error>{{ fieldError(form.controls.scope_id) }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Requests per minute</mat-label>
        <input matInput formControlName="requests_per_minute" inputmode="numeric" data-testid="limit-rpm" />
        @if (form.controls.requests_per_minute.invalid) {
          <mat-error>{{ fieldError(form.controls.requests_per_minute, 'A whole number above 0, or empty') }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Tokens per minute</mat-label>
        <input matInput formControlName="tokens_per_minute" inputmode="numeric" data-testid="limit-tpm" />
        @if (form.controls.tokens_per_minute.invalid) {
          <mat-error>{{ fieldError(form.controls.tokens_per_minute, 'A whole number above 0, or empty') }}</mat-error>
        }
      </mat-form-field>
      <button mat-flat-button type="submit" data-testid="limit-save">{{ editing() ? 'Save' : 'Set limit' }}</button>
      @if (editing()) {
        <button mat-button type="button" (click)="reset()">Cancel</button>
      }
    </form>
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
  `,
  styles: `
    .wide {
      min-width: 260px;
    }
  `,
})
export class LimitsPage implements OnInit {
  readonly byId = byId;
  private readonly api = inject(ConnectionsService);
  private readonly dialog = inject(MatDialog);
  readonly rows = signal<GatewayLimitDto[]>([]);
  readonly loaded = signal(false);
  readonly keys = signal<{ id: string; name: string }[]>([]);
  readonly projects = signal<{ id: string; name: string }[]>([]);
  readonly editing = signal<GatewayLimitDto | null>(null);
  readonly error = signal<string | null>(null);
  readonly columns = ['on', 'limit', 'actions'];
  readonly limitText = limitText;
  readonly fieldError = fieldError;
  @ViewChild('formDir') private formDir?: FormGroupDirective;
  readonly form = inject(FormBuilder).nonNullable.group({
    scope: ['api_key' as 'api_key' | 'project'],
    scope_id: ['', Validators.required],
    requests_per_minute: ['', Validators.pattern(/^\s*([1-9]\d{0,7})?\s*$/)],
    tokens_per_minute: ['', Validators.pattern(/^\s*([1-9]\d{0,9})?\s*$/)],
  });
  private readonly scope = signal<'api_key' | 'project'>('api_key');
  private readonly typed = signal('');
  readonly options = computed(() => {
    const q = this.typed().trim().toLowerCase();
    const all = this.scope() === 'project' ? this.projects() : this.keys();
    return all.filter((o) => !q || o.name.toLowerCase().includes(q) || o.id === q).slice(0, 50);
  });

  constructor() {
    inject(ApiKeysService)
      .listApiKeys({ per_page: 100 }, silentErrors())
      .subscribe({ next: ({ data }) => this.keys.set(data.map((k) => ({ id: k.id, name: k.name }))) });
    inject(ChatService)
      .listProjects(undefined, silentErrors())
      .subscribe({ next: ({ data }) => this.projects.set(data.map((p) => ({ id: p.id, name: p.name }))) });
    this.form.controls.scope_id.valueChanges.subscribe((v) => this.typed.set(v ?? ''));
    this.form.controls.scope.valueChanges.subscribe((s) => {
      this.scope.set(s);
      if (!this.editing()) this.form.controls.scope_id.setValue('');
    });
  }

  ngOnInit(): void {
    this.load();
  }

  /** The autocomplete shows a picked key or project by its name; typed text stays as typed. */
  readonly display = (id: string): string =>
    [...this.keys(), ...this.projects()].find((o) => o.id === id)?.name ?? id ?? '';

  nameOf(l: GatewayLimitDto): string {
    const list = l.scope === 'project' ? this.projects() : this.keys();
    return list.find((o) => o.id === l.scope_id)?.name ?? l.scope_id;
  }

  edit(l: GatewayLimitDto): void {
    this.editing.set(l);
    // Changing a limit keeps what it is on: another key or project is a new limit.
    this.form.controls.scope.disable({ emitEvent: false });
    this.form.controls.scope_id.disable({ emitEvent: false });
    this.error.set(null);
    this.form.setValue({
      scope: l.scope as 'api_key' | 'project',
      scope_id: l.scope_id,
      requests_per_minute: l.requests_per_minute === null ? '' : String(l.requests_per_minute),
      tokens_per_minute: l.tokens_per_minute === null ? '' : String(l.tokens_per_minute),
    });
    this.scope.set(l.scope as 'api_key' | 'project');
  }

  /** Empties the form for the next limit; resetting the submitted state too, so empty fields are not called wrong. */
  reset(): void {
    this.editing.set(null);
    this.form.controls.scope.enable({ emitEvent: false });
    this.form.controls.scope_id.enable({ emitEvent: false });
    const empty = { scope: 'api_key' as const, scope_id: '', requests_per_minute: '', tokens_per_minute: '' };
    if (this.formDir) this.formDir.resetForm(empty);
    else this.form.reset(empty);
  }

  save(): void {
    const v = this.form.getRawValue();
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const rpm = v.requests_per_minute.trim();
    const tpm = v.tokens_per_minute.trim();
    if (!rpm && !tpm) {
      this.error.set('Give requests or tokens per minute (or both).');
      return;
    }
    this.error.set(null);
    this.api
      .setGatewayLimit(
        {
          body: {
            scope: v.scope,
            scope_id: v.scope_id.trim(),
            requests_per_minute: rpm ? Number(rpm) : null,
            tokens_per_minute: tpm ? Number(tpm) : null,
          },
        },
        silentErrors(),
      )
      .subscribe({
        next: () => {
          this.reset();
          this.load();
        },
        error: (e: unknown) => this.error.set(applyServerErrors(this.form, e, 'The limit was not set; try again.')),
      });
  }

  remove(l: GatewayLimitDto): void {
    confirmAction(this.dialog, {
      title: `Remove the limit on ${this.nameOf(l)}?`,
      message: 'Its calls are then held only by budgets.',
      confirm: 'Remove',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.deleteGatewayLimit({ id: l.id })),
      )
      .subscribe(() => this.load());
  }

  private load(): void {
    this.api.listGatewayLimits().subscribe(({ data }) => {
      this.rows.set(data);
      this.loaded.set(true);
    });
  }
}
