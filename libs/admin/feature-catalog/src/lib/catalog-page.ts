import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Params, Router, RouterLink } from '@angular/router';
import { ModelsService, ModelSummaryDto, StatsService, VendorDto, VendorsService } from '@mph/admin-api-client';
import { debounceTime, distinctUntilChanged } from 'rxjs';

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
    MatChipsModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
  ],
  templateUrl: './catalog-page.html',
  styleUrl: './catalog.scss',
})
export class CatalogPage {
  private readonly api = inject(ModelsService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  readonly params = toSignal(this.route.queryParamMap, { requireSync: true });
  readonly flags = FLAGS;
  readonly sorts = SORTS;
  readonly modelLink = modelLink;
  readonly columns = ['id', 'pipeline_tag', 'license', 'context_window', 'downloads', 'likes'];
  readonly search = new FormControl(this.params().get('q') ?? '', { nonNullable: true });
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
  readonly providers = signal<VendorDto[]>([]);

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
    inject(VendorsService)
      .listVendors()
      .subscribe({
        next: ({ data }) => this.providers.set(data.filter((v) => v.offering_count > 0)),
        error: () => undefined,
      });
    effect(() => this.load(this.params().keys.reduce<Params>((acc, k) => ({ ...acc, [k]: this.params().get(k) }), {})));
  }

  setFilter(key: string, value: string | null): void {
    this.navigate({ [key]: value || null, page: null });
  }

  flagOn(key: string): boolean {
    return this.params().get(key) === 'true';
  }

  toggleFlag(key: string): void {
    this.navigate({ [key]: this.flagOn(key) ? null : 'true', page: null });
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
