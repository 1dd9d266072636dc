import { BreakpointObserver, Breakpoints } from '@angular/cdk/layout';
import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Params, Router, RouterLink } from '@angular/router';
import { ModelDetailDto, ModelsService, ModelSummaryDto, StatsService } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { Money } from '@mph/admin-ui';
import { NewModelDialog } from './new-model-dialog';
import { ProviderNames } from './provider-names';
import { debounceTime, distinctUntilChanged, map } from 'rxjs';

/** Capability filters shown as chips; each maps to a `...=true` query parameter. */
export const FLAGS = [
  { key: 'open_weights', label: 'Open weights' },
  { key: 'tool_calling', label: 'Tool calling' },
  { key: 'reasoning', label: 'Reasoning' },
  { key: 'vision', label: 'Vision' },
  { key: 'has_base_model', label: 'Derived from a base' },
] as const;

export const SORTS = [
  { value: 'relevance', label: 'Relevance' },
  { value: 'downloads', label: 'Downloads' },
  { value: 'likes', label: 'Likes' },
  { value: 'trending', label: 'Trending' },
  { value: 'created', label: 'Newest' },
  { value: 'context', label: 'Context window' },
  { value: 'price', label: 'Cheapest' },
] as const;

/** Value filters: shown as removable chips when set (from the selects, a link, or a typed URL). */
export const VALUE_FILTERS = [
  { key: 'pipeline_tag', label: 'Task' },
  { key: 'provider', label: 'Offered by' },
  { key: 'vendor', label: 'Made by' },
  { key: 'author', label: 'Author' },
  { key: 'library', label: 'Library' },
  { key: 'license', label: 'License' },
  { key: 'tags', label: 'Tags' },
  { key: 'modality_in', label: 'Input' },
  { key: 'modality_out', label: 'Output' },
  { key: 'min_context', label: 'Context ≥' },
  { key: 'max_input_price', label: 'Input ≤ $/1M' },
  { key: 'max_output_price', label: 'Output ≤ $/1M' },
  { key: 'base_model', label: 'Derived from' },
  { key: 'relation', label: 'Relation' },
] as const;

/** The capability icons a row shows, in this order. */
export const CAPABILITY_ICONS = [
  { key: 'tool_calling', icon: 'build', label: 'Tool calling' },
  { key: 'vision', icon: 'visibility', label: 'Vision (image input)' },
  { key: 'reasoning', icon: 'psychology', label: 'Reasoning' },
  { key: 'structured_output', icon: 'data_object', label: 'Structured output' },
  { key: 'open_weights', icon: 'lock_open', label: 'Open weights' },
] as const;

/** A decimal price filter as the API takes it (`max_input_price`). */
const PRICE = /^\d{1,9}(\.\d{1,12})?$/;

/** `131072` → `128K`, `1048576` → `1M`: context sizes as people quote them (binary K for power-of-two windows, as providers do). */
export function shortTokens(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  // 131072 is "128K" (a power-of-two window); 200000 and 128000 are "200K" and "128K".
  const k = n % 1000 !== 0 && n % 1024 === 0 ? 1024 : 1000;
  if (n >= k * k) return `${Number((n / (k * k)).toFixed(1))}M`;
  if (n >= k) return `${Number((n / k).toFixed(1))}K`;
  return String(n);
}

/** Whether the model's downloads and likes mean anything (it is on the Hub); proprietary models show a dash, not 0. */
export function onHub(m: Pick<ModelSummaryDto, 'hf_created_at' | 'downloads' | 'likes'>): boolean {
  return m.hf_created_at !== null || m.downloads > 0 || m.likes > 0;
}

const SELECTION_KEY = 'mph.compare';

function readSelection(): string[] {
  try {
    const ids: unknown = JSON.parse(sessionStorage.getItem(SELECTION_KEY) ?? '[]');
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string').slice(0, 6) : [];
  } catch {
    return [];
  }
}

function writeSelection(ids: string[]): void {
  try {
    sessionStorage.setItem(SELECTION_KEY, JSON.stringify(ids));
  } catch {
    // Storage may be unavailable (private mode): the selection then lasts as long as the page.
  }
}

/** `owner/name` → the model page's route. */
export const modelLink = (id: string) => ['/catalog/models', ...id.split('/')];

/** Catalog › Models: search (debounced), filter chips, sort and server-side paging, all kept in the URL. */
@Component({
  selector: 'mph-catalog-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DecimalPipe,
    ReactiveFormsModule,
    RouterLink,
    Money,
    MatButtonModule,
    MatCheckboxModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    MatTooltipModule,
  ],
  templateUrl: './catalog-page.html',
  styleUrl: './catalog.scss',
})
export class CatalogPage {
  private readonly api = inject(ModelsService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly dialog = inject(MatDialog);
  private readonly session = inject(SessionStore);
  readonly operator = computed(() => this.session.hasRole('operator', 'admin'));
  readonly params = toSignal(this.route.queryParamMap, { requireSync: true });
  readonly flags = FLAGS;
  readonly sorts = SORTS;
  readonly modelLink = modelLink;
  readonly onHub = onHub;
  readonly tokens = shortTokens;
  readonly handset = toSignal(
    inject(BreakpointObserver)
      .observe([Breakpoints.XSmall])
      .pipe(map((r) => r.matches)),
    { initialValue: false },
  );
  /** On a phone the row keeps what people choose by: the model, its price; the rest is on the model page. */
  readonly columns = computed(() =>
    this.handset()
      ? ['select', 'id', 'price']
      : ['select', 'id', 'price', 'providers', 'context_window', 'pipeline_tag', 'license', 'downloads', 'likes'],
  );
  /** Null until the user toggles: open on wide screens, folded on phones (the results come first). */
  readonly showFilters = signal<boolean | null>(null);
  readonly filtersOpen = computed(() => this.showFilters() ?? !this.handset());
  /** Models picked for Compare; kept for the tab's session, so opening a model page and coming back keeps them. */
  readonly selected = signal<string[]>(readSelection());
  readonly search = new FormControl(this.params().get('q') ?? '', { nonNullable: true });
  readonly maxInput = new FormControl(this.params().get('max_input_price') ?? '', {
    nonNullable: true,
    validators: [Validators.pattern(PRICE)],
  });
  readonly maxOutput = new FormControl(this.params().get('max_output_price') ?? '', {
    nonNullable: true,
    validators: [Validators.pattern(PRICE)],
  });
  readonly priceFilters = [
    { label: 'Input at most ($ per 1M)', control: this.maxInput, placeholder: 'e.g. 0.5', testid: 'filter-max-input' },
    { label: 'Output at most ($ per 1M)', control: this.maxOutput, placeholder: 'e.g. 2', testid: 'filter-max-output' },
  ];
  readonly rows = signal<ModelSummaryDto[]>([]);
  readonly total = signal(0);
  readonly estimated = signal(false);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly page = computed(() => Math.max(1, Number(this.params().get('page') ?? 1) || 1));
  readonly perPage = computed(() => Math.min(100, Number(this.params().get('per_page') ?? 20) || 20));
  readonly sort = computed(() => this.params().get('sort') ?? (this.params().get('q') ? 'relevance' : 'downloads'));
  /** The value filters in force, for the chips. */
  readonly activeFilters = computed(() =>
    VALUE_FILTERS.filter((f) => this.params().get(f.key)).map((f) => ({ ...f, value: this.params().get(f.key) })),
  );
  readonly tasks = signal<string[]>([]);
  private readonly names = inject(ProviderNames);
  readonly providers = this.names.providers;

  constructor() {
    this.search.valueChanges
      .pipe(debounceTime(300), distinctUntilChanged(), takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((q) => {
        const trimmed = q.trim();
        this.navigate({
          q: trimmed || null,
          page: null,
          sort: trimmed
            ? this.params().get('sort')
            : this.params().get('sort') === 'relevance'
              ? null
              : this.params().get('sort'),
        });
      });
    // Options for the selects; the page works without them (a failure leaves the lists empty).
    inject(StatsService)
      .getCatalogStats()
      .subscribe({ next: (st) => this.tasks.set(st.by_pipeline_tag.map((c) => c.key)), error: () => undefined });
    effect(() => this.load(this.params().keys.reduce<Params>((acc, k) => ({ ...acc, [k]: this.params().get(k) }), {})));
    effect(() => writeSelection(this.selected()));
    // A link or the back button changes the URL: the price boxes follow it.
    effect(() => {
      this.maxInput.setValue(this.params().get('max_input_price') ?? '', { emitEvent: false });
      this.maxOutput.setValue(this.params().get('max_output_price') ?? '', { emitEvent: false });
    });
  }

  capabilities(m: ModelSummaryDto): (typeof CAPABILITY_ICONS)[number][] {
    return CAPABILITY_ICONS.filter((c) => m[c.key] === true);
  }

  providerName(slug: string): string {
    return this.names.name(slug);
  }

  /** Writes valid price limits to the URL (an empty box removes the limit; an invalid one waits, with its message). */
  /** Operators add a model the feeds do not carry, then land on its page to add offerings and prices. */
  newModel(): void {
    this.dialog
      .open(NewModelDialog, { width: '680px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((created?: ModelDetailDto) => {
        if (created) void this.router.navigate(modelLink(created.id));
      });
  }

  applyPrices(): void {
    if (this.maxInput.invalid || this.maxOutput.invalid) return;
    const input = this.maxInput.value.trim() || null;
    const output = this.maxOutput.value.trim() || null;
    if (input === this.params().get('max_input_price') && output === this.params().get('max_output_price')) return;
    this.navigate({ max_input_price: input, max_output_price: output, page: null });
  }

  setFlags(values: string[]): void {
    this.navigate({
      ...Object.fromEntries(FLAGS.map((f) => [f.key, values.includes(f.key) ? 'true' : null])),
      page: null,
    });
  }

  isSelected(id: string): boolean {
    return this.selected().includes(id);
  }

  toggleSelected(id: string): void {
    this.selected.update((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(0, 6)));
  }

  setFilter(key: string, value: string | null): void {
    this.navigate({ [key]: value || null, page: null });
  }

  flagOn(key: string): boolean {
    return this.params().get(key) === 'true';
  }

  setSort(sort: string): void {
    this.navigate({ sort, page: null });
  }

  paginate(e: PageEvent): void {
    this.navigate({ page: e.pageIndex + 1, per_page: e.pageSize });
  }

  private navigate(changes: Params): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: changes, queryParamsHandling: 'merge' });
  }

  private load(params: Params): void {
    this.loading.set(true);
    this.error.set(null);
    const sort = params['sort'] === 'relevance' && !params['q'] ? undefined : params['sort'];
    this.api
      .listModels({ ...params, sort, page: this.page(), per_page: this.perPage() } as Parameters<
        ModelsService['listModels']
      >[0])
      .subscribe({
        next: (res) => {
          this.rows.set(res.data);
          this.total.set(res.meta.total);
          this.estimated.set(res.meta.total_estimated);
          this.loading.set(false);
        },
        error: () => {
          this.rows.set([]);
          this.loading.set(false);
          this.error.set('The search could not run; check the filters and try again.');
        },
      });
  }
}
