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
import { ModelsService, ModelSummaryDto } from '@mph/admin-api-client';
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
    effect(() => this.load(this.params().keys.reduce<Params>((acc, k) => ({ ...acc, [k]: this.params().get(k) }), {})));
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
