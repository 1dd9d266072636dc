import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute, Params, Router, RouterLink } from '@angular/router';
import { ApiKeysService, ChatService, UsageEventDto, UsageService } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { errorText, MoneyPipe, saveFile, silentErrors } from '@mph/admin-ui';
import { CostsLinks } from './costs-links';

/** The filters the page keeps in its URL (shareable; the costs page's "top" rows link here with one set). */
export const USAGE_FILTERS = ['model', 'provider', 'project', 'api_key', 'user', 'status'] as const;
type Filter = (typeof USAGE_FILTERS)[number];

/** Costs › Usage: every recorded call, newest first, filtered by model, provider, project, key, user and status;
 * a row opens on the call's details (latency, time to first token, transaction id, the price version used). */
@Component({
  selector: 'mph-usage-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    DecimalPipe,
    FormsModule,
    RouterLink,
    MoneyPipe,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    CostsLinks,
  ],
  templateUrl: './usage-page.html',
  styleUrl: './usage-page.scss',
})
export class UsagePage {
  private readonly api = inject(UsageService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly session = inject(SessionStore);
  readonly params = toSignal(this.route.queryParamMap, { requireSync: true });
  readonly statuses = ['success', 'error', 'partial', 'cached'];
  readonly seesAll = computed(() => this.session.hasRole('operator', 'admin'));
  readonly rows = signal<UsageEventDto[]>([]);
  readonly cursor = signal<string | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly open = signal<string | null>(null);
  readonly downloading = signal(false);
  readonly keys = signal<{ id: string; name: string }[]>([]);
  readonly projects = signal<{ id: string; name: string }[]>([]);
  readonly filtered = computed(() => USAGE_FILTERS.some((f) => this.params().get(f)));
  /** The form's values; written to the URL on submit. */
  draft: Record<Filter, string> = { model: '', provider: '', project: '', api_key: '', user: '', status: '' };

  constructor() {
    inject(ApiKeysService)
      .listApiKeys(undefined, silentErrors())
      .subscribe({
        next: ({ data }) => this.keys.set(data.map((k) => ({ id: k.id, name: k.name }))),
        error: () => undefined,
      });
    inject(ChatService)
      .listProjects(undefined, silentErrors())
      .subscribe({
        next: ({ data }) => this.projects.set(data.map((p) => ({ id: p.id, name: p.name }))),
        error: () => undefined,
      });
    effect(() => {
      const p = this.params();
      untracked(() => {
        this.draft = Object.fromEntries(USAGE_FILTERS.map((f) => [f, p.get(f) ?? ''])) as Record<Filter, string>;
        this.rows.set([]);
        this.cursor.set(null);
        this.open.set(null);
        this.load();
      });
    });
  }

  apply(): void {
    const queryParams: Params = Object.fromEntries(USAGE_FILTERS.map((f) => [f, this.draft[f].trim() || null]));
    void this.router.navigate([], { relativeTo: this.route, queryParams, queryParamsHandling: 'merge' });
  }

  clear(): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: {} });
  }

  more(): void {
    this.load();
  }

  toggle(id: string): void {
    this.open.update((o) => (o === id ? null : id));
  }

  tokens(e: UsageEventDto, key: string): number {
    return e.usage[key] ?? 0;
  }

  /** Every usage count the call reported, largest units first as stored. */
  usageLines(e: UsageEventDto): [string, number][] {
    return Object.entries(e.usage);
  }

  /** The frozen cost breakdown (per priced part). */
  breakdown(e: UsageEventDto): [string, string][] {
    return Object.entries(e.breakdown ?? {});
  }

  /** Every call matching the filters (all pages) as CSV, saved by the browser. */
  download(): void {
    this.downloading.set(true);
    this.api.exportUsageEvents(this.filters(), silentErrors()).subscribe({
      next: (csv) => {
        this.downloading.set(false);
        saveFile(csv, `usage-${new Date().toISOString().slice(0, 10)}.csv`);
      },
      error: (e: unknown) => {
        this.downloading.set(false);
        this.error.set(errorText(e, 'The export failed; try again.'));
      },
    });
  }

  private filters(): Record<string, string> {
    const p = this.params();
    return Object.fromEntries(USAGE_FILTERS.flatMap((f) => (p.get(f) ? [[f, p.get(f) as string]] : [])));
  }

  private load(): void {
    this.loading.set(true);
    this.error.set(null);
    const filters = this.filters();
    this.api.listUsageEvents({ ...filters, limit: 100, cursor: this.cursor() ?? undefined }, silentErrors()).subscribe({
      next: (page) => {
        this.rows.set([...this.rows(), ...page.data]);
        this.cursor.set(page.meta.next_cursor);
        this.loading.set(false);
      },
      error: (e: unknown) => {
        this.loading.set(false);
        this.error.set(errorText(e, 'The calls could not be loaded; check the filters.'));
      },
    });
  }
}
