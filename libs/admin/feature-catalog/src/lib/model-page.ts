import { DecimalPipe, NgTemplateOutlet } from '@angular/common';
import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatChipsModule } from '@angular/material/chips';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router, RouterLink } from '@angular/router';
import {
  AncestryDto,
  CapabilityFactDto,
  CatalogEditingService,
  DerivativeDto,
  IdentityChangeDto,
  ModelDetailDto,
  ModelsService,
  ModelSummaryDto,
  OfferingDto,
  OfferingPriceDto,
} from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { basePrice, compareDecimal, confirmAction, Money, silentErrors } from '@mph/admin-ui';
import { catchError, filter, forkJoin, map, Observable, of, switchMap } from 'rxjs';
import { modelLink } from './catalog-page';
import { ProviderNames } from './provider-names';
import { CalculatorOffering, CostCalculator } from './cost-calculator';
import { ModelSnippets } from './model-snippets';
import { OfferingAction, OfferingsTable } from './offerings-table';
import { EditModelDialog } from './edit-model-dialog';
import { IdentityAction, IdentityDialog } from './identity-dialog';
import { OfferingDialog, OfferingDialogData } from './offering-dialog';

export interface LineageLevel {
  depth: number;
  edges: AncestryDto['edges'];
}

/** Ancestry edges grouped by level, nearest first; a model reached twice is shown at its nearest level. */
export function ancestorLevels(ancestry: AncestryDto | null): LineageLevel[] {
  const byDepth = new Map<number, AncestryDto['edges']>();
  for (const e of ancestry?.edges ?? []) byDepth.set(e.depth, [...(byDepth.get(e.depth) ?? []), e]);
  return [...byDepth.entries()].sort(([a], [b]) => a - b).map(([depth, edges]) => ({ depth, edges }));
}

/** Derivatives grouped by relation, largest group first. */
export function derivativeGroups(rows: DerivativeDto[]): { relation: string; models: DerivativeDto[] }[] {
  const groups = new Map<string, DerivativeDto[]>();
  for (const d of rows) groups.set(d.relation, [...(groups.get(d.relation) ?? []), d]);
  return [...groups.entries()]
    .map(([relation, models]) => ({ relation, models }))
    .sort((a, b) => b.models.length - a.models.length || a.relation.localeCompare(b.relation));
}

/** A model sharing this one's weights (its base, a quantization), with its cheapest price and whether it is cheaper. */
export interface Equivalent {
  id: string;
  relation: string;
  cheapest: ModelSummaryDto['cheapest'];
  cheaper: boolean;
}

/**
 * Cheaper means: not dearer on input or output, and cheaper on at least one (same currency); a model without a known
 * price is undercut by any priced one.
 */
export function isCheaper(a: ModelSummaryDto['cheapest'], than: ModelSummaryDto['cheapest']): boolean {
  if (!a) return false;
  if (!than) return true;
  if (a.currency !== than.currency) return false;
  const i = compareDecimal(a.input, than.input);
  const o = compareDecimal(a.output, than.output);
  return i <= 0 && o <= 0 && (i < 0 || o < 0);
}

/**
 * The maker's own list price: the offering of the model's creator vendor (else of the provider named like its
 * author), when it is priced and is not already the cheapest shown. Resellers often undercut it; buyers want both.
 */
export function makerPrice(
  m: Pick<ModelDetailDto, 'creator_vendor' | 'author' | 'cheapest'> | null,
  prices: OfferingPriceDto[],
): { provider: string; input: string; output: string; currency: string } | null {
  if (!m) return null;
  const maker = m.creator_vendor ?? m.author;
  const own = prices.find((p) => p.offering.provider === maker && p.price);
  if (!own?.price || own.offering.provider === m.cheapest?.provider) return null;
  const input = basePrice(own.price, 'input');
  const output = basePrice(own.price, 'output');
  return input && output ? { provider: maker, input, output, currency: own.price.currency } : null;
}

export interface FieldProvenance {
  source: string;
  /** Every statement, the used one first: "models.dev: true · litellm: false". */
  detail: string;
  /** Sources disagree about the value. */
  conflict: boolean;
}

/** The capability facts of a model grouped by field (the API lists the used statement first). */
export function capabilityProvenance(facts: CapabilityFactDto[]): Record<string, FieldProvenance> {
  const out: Record<string, FieldProvenance> = {};
  const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v));
  for (const field of new Set(facts.map((f) => f.field))) {
    const list = facts.filter((f) => f.field === field).sort((a, b) => Number(b.used) - Number(a.used));
    const used = list[0];
    out[field] = {
      source: used.source === 'operator' ? `operator${used.decided_by ? ` (${used.decided_by})` : ''}` : used.source,
      detail: list.map((f) => `${f.source}: ${show(f.value)}`).join(' · '),
      conflict: new Set(list.map((f) => JSON.stringify(f.value))).size > 1,
    };
  }
  return out;
}

/** Catalog › a model: capabilities, offerings, tags, files, datasets and its lineage (ancestors above, derivatives below). */
@Component({
  selector: 'mph-model-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DecimalPipe,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatChipsModule,
    MatProgressBarModule,
    MatTableModule,
    MatTooltipModule,
    NgTemplateOutlet,
    Money,
    OfferingsTable,
    CostCalculator,
    ModelSnippets,
  ],
  templateUrl: './model-page.html',
  styleUrl: './catalog.scss',
})
export class ModelPage {
  private readonly api = inject(ModelsService);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  private readonly editing = inject(CatalogEditingService);
  private readonly router = inject(Router);
  readonly session = inject(SessionStore);
  readonly canEdit = computed(() => this.session.hasRole('operator', 'admin'));
  readonly owner = input.required<string>();
  readonly name = input.required<string>();
  readonly model = signal<ModelDetailDto | null>(null);
  readonly ancestry = signal<AncestryDto | null>(null);
  readonly derivatives = signal<DerivativeDto[]>([]);
  readonly derivativeTotal = signal(0);
  readonly loading = signal(false);
  /** Every live offering with its price in force, cheapest first (from the pricing API). */
  readonly prices = signal<OfferingPriceDto[]>([]);
  readonly error = signal<string | null>(null);
  readonly levels = computed(() => ancestorLevels(this.ancestry()));
  readonly groups = computed(() => derivativeGroups(this.derivatives()));
  readonly modelLink = modelLink;
  readonly capabilityFlags = computed(() => {
    const m = this.model();
    if (!m) return [];
    return [
      ['Tool calling', m.tool_calling, 'tool_calling'],
      ['Structured output', m.structured_output, 'structured_output'],
      ['Reasoning', m.reasoning, 'reasoning'],
      ['Vision', m.vision, 'vision'],
      ['Open weights', m.open_weights, 'open_weights'],
    ] as [string, boolean | null, string][];
  });
  private readonly names = inject(ProviderNames);
  readonly equivalents = signal<Equivalent[]>([]);
  /** The priced offerings, for the calculator. */
  readonly calcOfferings = computed<CalculatorOffering[]>(() =>
    this.prices()
      .filter((p) => p.price !== null)
      .map((p) => ({
        model: this.model()?.id ?? '',
        provider: p.offering.provider,
        providerName: this.providerName(p.offering.provider),
        providerModelId: p.offering.provider_model_id,
      })),
  );
  readonly makerPrice = computed(() => makerPrice(this.model(), this.prices()));
  /** The name the gateway most likely knows: the creator's own id for it, else the catalog id. */
  readonly gatewayModel = computed(() => {
    const m = this.model();
    return m?.offerings.find((o) => o.provider === (m.creator_vendor ?? m.author))?.provider_model_id ?? null;
  });
  /** Per capability field: which source the shown value comes from, and what every source says (for the tooltip). */
  readonly provenance = computed(() => capabilityProvenance(this.model()?.capability_facts ?? []));

  constructor() {
    effect(() => this.load(this.owner(), this.name()));
  }

  providerName(slug: string): string {
    return this.names.name(slug);
  }

  onOffering(e: OfferingAction): void {
    if (e.action === 'move') this.identity('move', e.offering);
    else if (e.action === 'edit') this.editOffering(e.offering);
    else this.removeOffering(e.offering);
  }

  /** Its base models, and the quantizations of it and of its bases, with their cheapest prices. */
  private loadEquivalents(m: ModelDetailDto): void {
    const ctx = silentErrors();
    const bases = m.base_models.filter((b) => b.known && b.relation !== 'adapter');
    const quantsOf = (id: string): Observable<Equivalent[]> =>
      this.api.listModels({ base_model: id, relation: 'quantized', sort: 'price', per_page: 5 }, ctx).pipe(
        map((r) =>
          r.data.map((d) => ({ id: d.id, relation: `quantization of ${id}`, cheapest: d.cheapest, cheaper: false })),
        ),
        catchError(() => of([] as Equivalent[])),
      );
    const baseOf = (id: string, relation: string): Observable<Equivalent[]> => {
      const [owner, name] = id.split('/');
      return this.api.getModel({ owner, name }, ctx).pipe(
        map((d) => [{ id: d.id, relation: `base model (${relation})`, cheapest: d.cheapest, cheaper: false }]),
        catchError(() => of([] as Equivalent[])),
      );
    };
    forkJoin([
      quantsOf(m.id),
      ...bases.map((b) => baseOf(b.id, b.relation)),
      ...bases.map((b) => quantsOf(b.id)),
    ]).subscribe((lists) => {
      const seen = new Set<string>([m.id]);
      const out = lists
        .flat()
        .filter((e) => e.cheapest && !seen.has(e.id) && seen.add(e.id))
        .map((e) => ({ ...e, cheaper: isCheaper(e.cheapest, m.cheapest) }));
      this.equivalents.set(out.sort((a, b) => Number(b.cheaper) - Number(a.cheaper)).slice(0, 8));
    });
  }

  edit(): void {
    const model = this.model();
    if (!model) return;
    this.dialog
      .open(EditModelDialog, { data: model, width: '640px' })
      .afterClosed()
      .subscribe((updated?: ModelDetailDto) => {
        if (!updated) return;
        this.model.set(updated);
        this.snack.open(`Saved ${updated.display_name}.`, 'OK', { duration: 4000 });
      });
  }

  /** Merge this model into another, split offerings off, or move one offering: previewed, then applied. */
  identity(action: IdentityAction, offering?: OfferingDto): void {
    const model = this.model();
    if (!model) return;
    this.dialog
      .open(IdentityDialog, {
        data: { action, modelId: model.id, offerings: offering ? [offering] : model.offerings },
        width: '600px',
      })
      .afterClosed()
      .subscribe((change?: IdentityChangeDto) => {
        if (!change) return;
        this.snack.open(change.summary, 'OK', { duration: 6000 });
        if (change.action === 'merge') void this.router.navigate(modelLink(change.to_model));
        else this.load(this.owner(), this.name());
      });
  }

  addOffering(): void {
    const model = this.model();
    if (model) this.openOffering({ modelId: model.id });
  }

  editOffering(offering: OfferingDto): void {
    const model = this.model();
    if (model) this.openOffering({ modelId: model.id, offering });
  }

  /** Deletes the model and its offerings (soft: the audit log keeps them; usage already priced keeps its cost). */
  remove(): void {
    const model = this.model();
    if (!model) return;
    const [owner, name] = model.id.split('/');
    confirmAction(this.dialog, {
      title: `Delete ${model.display_name}?`,
      message:
        `${model.id} and its ${model.offerings.length} offering${model.offerings.length === 1 ? '' : 's'} leave the ` +
        'catalog; calls already recorded keep their cost, and the audit log keeps the model. To fold a duplicate ' +
        'into another model, use "Merge into…" instead.',
      confirm: 'Delete',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.editing.deleteModel({ owner, name })),
      )
      .subscribe(() => {
        this.snack.open(`Deleted ${model.display_name}.`, 'OK', { duration: 4000 });
        void this.router.navigate(['/catalog']);
      });
  }

  removeOffering(offering: OfferingDto): void {
    confirmAction(this.dialog, {
      title: `Delete the ${offering.provider} offering?`,
      message: `${offering.provider_model_id} on ${offering.provider} disappears from the catalog; it stays in the audit log.`,
      confirm: 'Delete',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.editing.deleteOffering({ id: offering.id })),
      )
      .subscribe(() => {
        this.snack.open(`Deleted the ${offering.provider} offering.`, 'OK', { duration: 4000 });
        this.load(this.owner(), this.name());
      });
  }

  private openOffering(data: OfferingDialogData): void {
    this.dialog
      .open(OfferingDialog, { data, width: '600px' })
      .afterClosed()
      .subscribe((saved?: OfferingDto) => {
        if (!saved) return;
        this.snack.open(`Saved the ${saved.provider} offering.`, 'OK', { duration: 4000 });
        this.load(this.owner(), this.name());
      });
  }

  private load(owner: string, name: string): void {
    this.loading.set(true);
    this.error.set(null);
    const ctx = silentErrors();
    forkJoin({
      model: this.api.getModel({ owner, name }, ctx),
      ancestry: this.api.getModelAncestry({ owner, name }, ctx),
      derivatives: this.api.listModelDerivatives({ owner, name, per_page: 100 }, ctx),
      prices: this.api.getModelPrices({ owner, name }, ctx).pipe(catchError(() => of(null))),
    }).subscribe({
      next: ({ model, ancestry, derivatives, prices }) => {
        this.model.set(model);
        this.prices.set(prices?.data ?? []);
        this.loadEquivalents(model);
        this.ancestry.set(ancestry);
        this.derivatives.set(derivatives.data);
        this.derivativeTotal.set(derivatives.meta.total);
        this.loading.set(false);
      },
      error: (e: unknown) => {
        this.model.set(null);
        this.loading.set(false);
        this.error.set(
          e instanceof HttpErrorResponse && e.status === 404
            ? `There is no model ${owner}/${name} in the catalog.`
            : 'The model could not be loaded; try again.',
        );
      },
    });
  }
}
