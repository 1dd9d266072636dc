import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormArray, FormBuilder, FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { CostsService, EstimateResultDto, ExtractDto, ModelsService, UnitDto, UsageDto } from '@mph/admin-api-client';
import { compareDecimal, errorText, estimateMany, MoneyPipe, silentErrors, sinceWords } from '@mph/admin-ui';
import { map, of, switchMap } from 'rxjs';
import { CostsLinks } from './costs-links';

interface Compared {
  provider: string;
  provider_model_id: string;
  total: string | null;
  currency: string;
  note: string | null;
}

/** Price a call: enter token counts or paste a provider response; see the breakdown and every offering's price. */
@Component({
  selector: 'mph-estimate-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MoneyPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
    CostsLinks,
  ],
  template: `
    <mph-costs-links />
    <header class="page-header"><h1>Estimate a cost</h1></header>
    <form [formGroup]="form" (ngSubmit)="run()" novalidate>
      <mat-button-toggle-group formControlName="mode" aria-label="Input">
        <mat-button-toggle value="tokens" data-testid="mode-tokens">Token counts</mat-button-toggle>
        <mat-button-toggle value="response" data-testid="mode-response">Paste a response</mat-button-toggle>
      </mat-button-toggle-group>
      <div class="filters">
        <mat-form-field appearance="outline">
          <mat-label>Provider</mat-label>
          <input matInput formControlName="provider" placeholder="anthropic" data-testid="est-provider" />
          @if (form.controls.mode.value === 'response') {
            <mat-hint>Empty: the one serving the model the response names</mat-hint>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>{{
            form.controls.mode.value === 'response' ? 'Price as another model (optional)' : 'Model (as you call it)'
          }}</mat-label>
          <input matInput formControlName="model" placeholder="claude-sonnet-4-5" data-testid="est-model" />
          @if (form.controls.mode.value === 'response') {
            <mat-hint>Empty: the model the response names</mat-hint>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Prices from</mat-label>
          <mat-select formControlName="source" data-testid="est-source">
            <mat-option value="">Published prices</mat-option>
            @for (s of sources; track s) {
              <mat-option [value]="s">{{ s }} (as that feed dates them)</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>When the call happened (UTC)</mat-label>
          <input matInput type="datetime-local" formControlName="timestamp" data-testid="est-timestamp" />
          <mat-hint>Empty: now</mat-hint>
        </mat-form-field>
      </div>
      @if (form.controls.mode.value === 'tokens') {
        <div class="filters">
          @for (f of tokenFields; track f.key) {
            <mat-form-field appearance="outline">
              <mat-label>{{ f.label }}</mat-label>
              <input matInput type="number" min="0" [formControlName]="f.key" [attr.data-testid]="'est-' + f.key" />
            </mat-form-field>
          }
        </div>
        <div formArrayName="more">
          @for (row of more.controls; track row; let i = $index) {
            <div class="filters" [formGroupName]="i">
              <mat-form-field appearance="outline">
                <mat-label>Unit</mat-label>
                <mat-select formControlName="key" [attr.data-testid]="'est-more-key-' + i">
                  @for (u of otherUnits(); track u.key) {
                    <mat-option [value]="u.key"
                      >{{ u.key }}{{ u.part_of.length ? ' (part of ' + u.part_of[0] + ')' : '' }}</mat-option
                    >
                  }
                </mat-select>
              </mat-form-field>
              <mat-form-field appearance="outline">
                <mat-label>Count</mat-label>
                <input
                  matInput
                  type="number"
                  min="0"
                  formControlName="count"
                  [attr.data-testid]="'est-more-count-' + i"
                />
              </mat-form-field>
              <button mat-button type="button" (click)="more.removeAt(i)">Remove</button>
            </div>
          }
        </div>
        <button mat-button type="button" (click)="addUnit()" data-testid="est-add-unit">
          Add a unit ({{ otherUnits().length }} more: audio, images, seconds, searches, …)
        </button>
      } @else {
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Provider response (JSON body, stream events, or SSE text)</mat-label>
          <textarea matInput rows="8" formControlName="response" data-testid="est-response"></textarea>
        </mat-form-field>
      }
      <button mat-flat-button type="submit" data-testid="est-run">Price it</button>
    </form>
    @if (error(); as message) {
      <p class="error" role="alert" data-testid="est-error">{{ message }}</p>
    }
    @if (result(); as r) {
      <h2 class="section">
        <span data-testid="est-total" [title]="r.total + ' ' + r.currency">{{ r.total | money: r.currency }}</span> on
        {{ r.provider }} ·
        {{ r.provider_model_id }}
      </h2>
      @if (overridden(); as o) {
        <p class="warning" role="status" data-testid="est-override">
          Priced as {{ o.model }}, as you asked: the response names {{ o.response_model }}. Empty the model field to
          price what was served.
        </p>
      }
      <p class="sub" data-testid="est-price">
        {{ r.resolved_model }} · price from {{ r.price_source }}, in force
        {{ r.price_effective_from ? sinceWords(r.price_effective_from) : 'as the feed gives it (undated)' }}
        {{ r.price_effective_to ? 'until ' + r.price_effective_to.slice(0, 10) : '' }}
        {{ r.tier ? ' · prompt above ' + r.tier + ' tokens' : '' }} · input {{ r.input_cost }} · output
        {{ r.output_cost }}
      </p>
      <p class="sub" data-testid="est-convention">Usage read as: {{ r.convention }}</p>
      <table mat-table [dataSource]="r.lines" class="table" data-testid="est-breakdown">
        <ng-container matColumnDef="part">
          <th mat-header-cell *matHeaderCellDef>Part</th>
          <td mat-cell *matCellDef="let l">
            {{ l.part }} <span class="sub">({{ l.usage_key }})</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="quantity">
          <th mat-header-cell *matHeaderCellDef class="num">Quantity</th>
          <td mat-cell *matCellDef="let l" class="amount">{{ l.quantity }}</td>
        </ng-container>
        <ng-container matColumnDef="rate">
          <th mat-header-cell *matHeaderCellDef class="num">Rate</th>
          <td mat-cell *matCellDef="let l" class="amount">
            {{ l.rate }} <span class="sub">({{ l.rate_unit }})</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="amount">
          <th mat-header-cell *matHeaderCellDef class="num">Amount</th>
          <td mat-cell *matCellDef="let l" class="amount">{{ l.amount }}</td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="lineColumns"></tr>
        <tr mat-row *matRowDef="let row; columns: lineColumns"></tr>
      </table>
      @if (compared().length) {
        <h2 class="section">The same usage on every offering of {{ r.resolved_model }}</h2>
        <ol data-testid="est-compare">
          @for (c of compared(); track c.provider + c.provider_model_id) {
            <li>
              {{ c.provider }} · {{ c.provider_model_id }}:
              <strong [title]="c.total ? c.total + ' ' + c.currency : 'unknown'">{{
                c.total | money: c.currency : '—'
              }}</strong>
              <span class="sub">{{ c.note }}</span>
            </li>
          }
        </ol>
      }
    }
  `,
  styles: `
    .wide {
      width: 100%;
    }
    .warning {
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
  `,
})
export class EstimatePage {
  private readonly costs = inject(CostsService);
  private readonly models = inject(ModelsService);
  readonly tokenFields = [
    { key: 'input_tokens', label: 'Input tokens (whole prompt)' },
    { key: 'cache_read_tokens', label: 'of which cache reads' },
    { key: 'cache_write_tokens', label: 'of which cache writes' },
    { key: 'output_tokens', label: 'Output tokens' },
    { key: 'output_reasoning_tokens', label: 'of which reasoning' },
  ] as const;
  readonly sources = ['genai-prices', 'litellm', 'openrouter', 'models.dev'];
  /** The unit registry (GET /costs/units): every usage field the API accepts. */
  private readonly units = toSignal(this.costs.units().pipe(map((r) => r.data as UnitDto[])), {
    initialValue: [] as UnitDto[],
  });
  readonly otherUnits = computed(() => this.units().filter((u) => !this.tokenFields.some((f) => f.key === u.key)));
  readonly lineColumns = ['part', 'quantity', 'rate', 'amount'];
  readonly result = signal<EstimateResultDto | null>(null);
  readonly compared = signal<Compared[]>([]);
  /** A pasted response priced as another model than the one it names (the user asked): said, never silent. */
  readonly overridden = signal<{ model: string; response_model: string } | null>(null);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).group({
    mode: ['tokens'],
    provider: ['openai'],
    model: ['gpt-4o-mini'],
    input_tokens: [1000 as number | null],
    cache_read_tokens: [null as number | null],
    cache_write_tokens: [null as number | null],
    output_tokens: [500 as number | null],
    output_reasoning_tokens: [null as number | null],
    source: [''],
    timestamp: [''],
    more: new FormArray<FormGroup<{ key: FormControl<string>; count: FormControl<number | null> }>>([]),
    response: [''],
  });
  readonly more = this.form.controls.more;
  readonly sinceWords = sinceWords;

  constructor() {
    // A pasted response names its model (and its shape its provider): the token form's example values must not
    // override them. Fields the user typed in are kept.
    this.form.controls.mode.valueChanges.pipe(takeUntilDestroyed()).subscribe((mode) => {
      const { provider, model } = this.form.controls;
      if (mode === 'response') {
        if (provider.pristine) provider.setValue('');
        if (model.pristine) model.setValue('');
      } else {
        if (provider.pristine && !provider.value) provider.setValue('openai');
        if (model.pristine && !model.value) model.setValue('gpt-4o-mini');
      }
    });
  }

  addUnit(): void {
    this.more.push(
      new FormGroup({
        key: new FormControl(this.otherUnits()[0]?.key ?? 'requests', { nonNullable: true }),
        count: new FormControl<number | null>(1),
      }),
    );
  }

  run(): void {
    const v = this.form.getRawValue();
    this.error.set(null);
    this.result.set(null);
    this.compared.set([]);
    this.overridden.set(null);
    const timestamp = v.timestamp ? new Date(`${v.timestamp}Z`).toISOString() : undefined;
    const source = v.source || undefined;
    const estimate$ =
      v.mode === 'response'
        ? this.parse(v.response ?? '').pipe(
            switchMap((response) =>
              this.costs.extractUsage(
                {
                  body: { provider: v.provider || undefined, model: v.model || undefined, response, timestamp, source },
                },
                silentErrors(),
              ),
            ),
            map((x) => {
              if (!x.cost) throw new Error(x.cost_error ?? 'No cost for this response.');
              if (x.model && x.response_model && x.model !== x.response_model) {
                this.overridden.set({ model: x.model, response_model: x.response_model });
              }
              return x.cost;
            }),
          )
        : this.costs.estimateCost(
            {
              body: {
                provider: v.provider || undefined,
                model: v.model ?? '',
                usage: usageOf(v, this.tokenFields),
                timestamp,
                source,
              },
            },
            silentErrors(),
          );
    estimate$.subscribe({
      next: (r) => {
        this.result.set(r);
        this.compare(r);
      },
      error: (e: unknown) =>
        this.error.set(
          e instanceof Error && !(e instanceof HttpErrorResponse)
            ? e.message
            : errorText(e, 'Could not price this call.'),
        ),
    });
  }

  /** A pasted body: JSON when it parses, else the raw text (server-sent events). */
  private parse(text: string) {
    try {
      return of(JSON.parse(text) as ExtractDto['response']);
    } catch {
      return of(text as ExtractDto['response']);
    }
  }

  /** Every offering of the resolved model, priced with the same usage, cheapest first. */
  private compare(r: EstimateResultDto): void {
    // The usage as the estimate priced it (units.yml), the same for every offering.
    const normalized = r.usage;
    const [owner, name] = r.resolved_model.split('/');
    if (!owner || !name) return;
    this.models
      .getModelPrices({ owner, name })
      .pipe(
        switchMap((p) =>
          estimateMany(
            this.costs,
            p.data.map((o) => ({
              provider: o.offering.provider,
              model: o.offering.provider_model_id,
              usage: normalized,
            })),
          ).pipe(
            map((answers) =>
              answers.map((a): Compared => ({
                provider: p.data[a.index].offering.provider,
                provider_model_id: p.data[a.index].offering.provider_model_id,
                total: a.estimate?.total ?? null,
                currency: a.estimate?.currency ?? 'USD',
                note: a.estimate ? null : (a.error?.message ?? 'unknown'),
              })),
            ),
          ),
        ),
      )
      .subscribe((list) =>
        this.compared.set(
          // Unknown last (never free); the rest by exact decimal comparison.
          // Within a currency by exact amount (amounts in different currencies are not comparable without a rate).
          [...list].sort((a, b) =>
            a.total === null
              ? b.total === null
                ? 0
                : 1
              : b.total === null
                ? -1
                : a.currency.localeCompare(b.currency) || compareDecimal(a.total, b.total),
          ),
        ),
      );
  }
}

/** The usage a form describes: the common fields and every added unit, zero and empty ones left out. */
export function usageOf(
  v: { more: { key: string; count: number | null }[] } & Record<string, unknown>,
  fields: readonly { key: string }[],
): UsageDto {
  const usage: Record<string, number> = {};
  for (const f of fields) {
    const n = Number(v[f.key]);
    if (Number.isFinite(n) && n > 0) usage[f.key] = n;
  }
  for (const m of v.more) {
    const n = Number(m.count);
    if (m.key && Number.isFinite(n) && n > 0) usage[m.key] = (usage[m.key] ?? 0) + n;
  }
  return usage as UsageDto;
}
