import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import { ModelDetailDto, ModelsService, ModelSummaryDto, OfferingPriceDto } from '@mph/admin-api-client';
import { formatMoney, silentErrors } from '@mph/admin-ui';
import { catchError, debounceTime, distinctUntilChanged, forkJoin, map, of, switchMap } from 'rxjs';
import { modelLink, shortTokens } from './catalog-page';
import { CalculatorOffering, CostCalculator } from './cost-calculator';

const price = (v: string | undefined, currency: string | undefined) =>
  v === undefined ? 'unknown' : formatMoney(v, currency, { price: true });

/** Rows of the comparison: a label and how to read it from a model. */
export const COMPARE_ROWS: [string, (m: ModelDetailDto) => string][] = [
  ['Cheapest input / 1M', (m) => price(m.cheapest?.input, m.cheapest?.currency)],
  ['Cheapest output / 1M', (m) => price(m.cheapest?.output, m.cheapest?.currency)],
  ['Cheapest at', (m) => m.cheapest?.provider ?? '—'],
  ['Author', (m) => m.author],
  ['Context window', (m) => (m.context_window === null ? 'unknown' : `${shortTokens(m.context_window)} tokens`)],
  ['Max output', (m) => (m.max_output === null ? 'unknown' : `${shortTokens(m.max_output)} tokens`)],
  ['Input', (m) => m.input_modalities.join(', ') || 'unknown'],
  ['Output', (m) => m.output_modalities.join(', ') || 'unknown'],
  ['Tool calling', (m) => yesNo(m.tool_calling)],
  ['Reasoning', (m) => yesNo(m.reasoning)],
  ['Vision', (m) => yesNo(m.vision)],
  ['Open weights', (m) => yesNo(m.open_weights)],
  ['License', (m) => m.license ?? 'unknown'],
  ['Providers', (m) => [...new Set(m.offerings.map((o) => o.provider))].join(', ') || 'none'],
  ['Based on', (m) => m.base_models.map((b) => `${b.id} (${b.relation})`).join(', ') || '—'],
];

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

/** Catalog › Compare: 2–6 models side by side; the ids live in the URL (`?ids=a,b`). */
@Component({
  selector: 'mph-compare-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    RouterLink,
    CostCalculator,
    MatAutocompleteModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
  ],
  template: `
    <header class="page-header"><h1>Compare models</h1></header>
    <div class="filters">
      <mat-form-field appearance="outline" class="search" subscriptSizing="dynamic">
        <mat-label>Add a model (2 to 6)</mat-label>
        <input
          matInput
          [formControl]="search"
          [matAutocomplete]="auto"
          placeholder="Search: gpt-4o, llama 70b…"
          data-testid="compare-search"
        />
        <mat-autocomplete #auto="matAutocomplete" (optionSelected)="add($event.option.value)">
          @for (o of options(); track o.id) {
            <mat-option [value]="o.id"
              >{{ o.display_name }} <span class="sub">{{ o.id }}</span></mat-option
            >
          }
        </mat-autocomplete>
      </mat-form-field>
    </div>
    @if (idList().length) {
      <mat-chip-set aria-label="Models compared" class="chips" data-testid="compare-chips">
        @for (id of idList(); track id) {
          <mat-chip (removed)="remove(id)"
            >{{ id }}
            <button matChipRemove [attr.aria-label]="'Remove ' + id"><mat-icon svgIcon="close" /></button>
          </mat-chip>
        }
      </mat-chip-set>
    }
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    @if (models().length) {
      <table class="compare" data-testid="compare-table">
        <thead>
          <tr>
            <th scope="col"></th>
            @for (m of models(); track m.id) {
              <th scope="col">
                <a [routerLink]="modelLink(m.id)">{{ m.display_name }}</a>
              </th>
            }
          </tr>
        </thead>
        <tbody>
          @for (row of rows; track row[0]) {
            <tr>
              <th scope="row">{{ row[0] }}</th>
              @for (m of models(); track m.id) {
                <td>{{ row[1](m) }}</td>
              }
            </tr>
          }
        </tbody>
      </table>
      @if (calcOfferings().length) {
        <h2 class="section">Cheapest for my usage</h2>
        <mph-cost-calculator [offerings]="calcOfferings()" [showModel]="true" />
      }
    } @else if (!error()) {
      <p class="sub">
        {{
          idList().length === 1
            ? 'Add one more model.'
            : 'Search for two to six models, or pick them in the models list.'
        }}
      </p>
    }
  `,
  styleUrl: './catalog.scss',
  styles: `
    .compare {
      border-collapse: collapse;
      width: 100%;
      display: block;
      overflow-x: auto;
    }
    .compare th,
    .compare td {
      text-align: left;
      padding: 8px 12px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: top;
    }
  `,
})
export class ComparePage {
  private readonly api = inject(ModelsService);
  private readonly router = inject(Router);
  readonly ids = input<string>();
  readonly idList = computed(() => [
    ...new Set(
      (this.ids() ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ]);
  readonly models = signal<ModelDetailDto[]>([]);
  readonly prices = signal<Map<string, OfferingPriceDto[]>>(new Map());
  readonly options = signal<ModelSummaryDto[]>([]);
  readonly error = signal<string | null>(null);
  readonly rows = COMPARE_ROWS;
  readonly modelLink = modelLink;
  readonly search = new FormControl('', { nonNullable: true });
  /** Every priced offering of every compared model, for the calculator. */
  readonly calcOfferings = computed<CalculatorOffering[]>(() =>
    this.models().flatMap((m) =>
      (this.prices().get(m.id) ?? [])
        .filter((p) => p.price !== null)
        .map((p) => ({
          model: m.id,
          provider: p.offering.provider,
          providerName: p.offering.provider,
          providerModelId: p.offering.provider_model_id,
        })),
    ),
  );

  constructor() {
    effect(() => {
      const ids = this.idList();
      if (ids.length >= 2) this.load(ids.join(','));
      else {
        this.models.set([]);
        this.error.set(null);
      }
    });
    this.search.valueChanges
      .pipe(
        debounceTime(250),
        map((q) => q.trim()),
        distinctUntilChanged(),
        switchMap((q) =>
          q
            ? this.api.listModels({ q, per_page: 8 }, silentErrors()).pipe(
                map((r) => r.data),
                catchError(() => of([] as ModelSummaryDto[])),
              )
            : of([] as ModelSummaryDto[]),
        ),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe((rows) => this.options.set(rows));
  }

  add(id: string): void {
    this.search.setValue('', { emitEvent: false });
    this.options.set([]);
    if (this.idList().includes(id) || this.idList().length >= 6) return;
    this.go([...this.idList(), id]);
  }

  remove(id: string): void {
    this.go(this.idList().filter((x) => x !== id));
  }

  private go(ids: string[]): void {
    void this.router.navigate([], { queryParams: { ids: ids.length ? ids.join(',') : null } });
  }

  private load(ids: string): void {
    this.error.set(null);
    this.api.compareModels({ ids }, silentErrors()).subscribe({
      next: ({ data }) => {
        this.models.set(data);
        forkJoin(
          data.map((m) => {
            const [owner, name] = m.id.split('/');
            return this.api.getModelPrices({ owner, name }, silentErrors()).pipe(
              map((r) => [m.id, r.data] as const),
              catchError(() => of([m.id, [] as OfferingPriceDto[]] as const)),
            );
          }),
        ).subscribe((pairs) => this.prices.set(new Map(pairs)));
      },
      error: (e: { error?: { error?: { message?: string } } }) => {
        this.models.set([]);
        this.error.set(e.error?.error?.message ?? 'The comparison could not be loaded.');
      },
    });
  }
}
