import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { ModelOfferingDto, OfferingPriceDto, PricesService, PriceVersionDto } from '@mph/admin-api-client';
import {
  basePrice,
  conditionLabel,
  currentVersions,
  Money,
  perLabel,
  silentErrors,
  sinceWords,
  Sparkline,
  SparkPoint,
} from '@mph/admin-ui';
import { shortTokens } from './catalog-page';
import { ProviderNames } from './provider-names';

/** Offerings whose price history loads with the table (for sparklines); others load when opened. */
const SPARKLINES = 6;

/** What the row menu asks the page to do (operators only). */
export interface OfferingAction {
  action: 'move' | 'edit' | 'delete';
  offering: ModelOfferingDto;
}

/** The versions of an offering in force now, standard tier and default region first. */
export function inForceNow(history: PriceVersionDto[], at = Date.now()): PriceVersionDto[] {
  return currentVersions(history, at).sort(
    (a, b) =>
      Number(b.service_tier === 'standard') - Number(a.service_tier === 'standard') ||
      a.service_tier.localeCompare(b.service_tier) ||
      a.region.localeCompare(b.region),
  );
}

/** The standard-tier, default-region steps of one unit's base price, for a sparkline. */
export function sparkPoints(history: PriceVersionDto[], unit: string): SparkPoint[] {
  return history
    .filter((v) => v.service_tier === 'standard' && v.region === '')
    .flatMap((v) => {
      const value = basePrice(v, unit);
      return value === null ? [] : [{ at: v.effective_from, value }];
    });
}

/**
 * A model's offerings as OpenRouter's provider table, plus what it lacks: one row per offering with its base input,
 * output and cache prices, context and max output, the feed and date the price comes from and its history; a row
 * opens on every price in force (service tiers, regions, prompt tiers, time windows).
 */
@Component({
  selector: 'mph-offerings-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, Money, Sparkline, MatButtonModule, MatIconModule, MatMenuModule, MatTooltipModule],
  templateUrl: './offerings-table.html',
  styleUrl: './offerings-table.scss',
})
export class OfferingsTable {
  private readonly pricesApi = inject(PricesService);
  readonly prices = input.required<OfferingPriceDto[]>();
  /** The model's offerings (identity details for operators); rows come from `prices`. */
  readonly offerings = input<ModelOfferingDto[]>([]);
  private readonly names = inject(ProviderNames);
  readonly canEdit = input(false);
  readonly act = output<OfferingAction>();
  readonly basePrice = basePrice;
  readonly tokens = shortTokens;
  readonly sinceWords = sinceWords;
  readonly conditionLabel = conditionLabel;
  readonly perLabel = perLabel;
  readonly open = signal<Set<string>>(new Set());
  /** Every version per offering (newest first), loaded with the table for the sparklines and the expanded rows. */
  readonly history = signal<Map<string, PriceVersionDto[]>>(new Map());
  readonly rows = computed(() =>
    this.prices().map((p) => ({
      ...p,
      identity: this.offerings().find((o) => o.id === p.offering.id) ?? null,
    })),
  );

  constructor() {
    // Histories for the sparklines of the six cheapest offerings (one request, cached by the API for a minute);
    // the others load when their row is opened. Visitors share a per-IP request budget.
    effect(() => {
      const ids = this.prices()
        .slice(0, SPARKLINES)
        .map((p) => p.offering.id);
      untracked(() => this.loadHistories(ids));
    });
  }

  private loadHistories(ids: string[]): void {
    ids = ids.filter((id) => !this.history().has(id));
    if (!ids.length) return;
    // One request for all of them (visitors share a per-IP request budget); an offering gone meanwhile has none.
    this.pricesApi.getPriceHistories({ offering_ids: ids.join(',') }, silentErrors()).subscribe({
      next: ({ data }) => {
        const found = new Map(data.map((h) => [h.offering_id, h.data] as const));
        this.history.update((h) => new Map([...h, ...ids.map((id) => [id, found.get(id) ?? []] as const)]));
      },
      error: () =>
        this.history.update((h) => new Map([...h, ...ids.map((id) => [id, [] as PriceVersionDto[]] as const)])),
    });
  }

  provider(slug: string): string {
    return this.names.name(slug);
  }

  toggle(id: string): void {
    this.loadHistories([id]);
    this.open.update((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  versionsNow(offeringId: string): PriceVersionDto[] {
    return inForceNow(this.history().get(offeringId) ?? []);
  }

  points(offeringId: string, unit: string): SparkPoint[] {
    return sparkPoints(this.history().get(offeringId) ?? [], unit);
  }

  cache(v: PriceVersionDto | null): { read: string | null; write: string | null } {
    return { read: basePrice(v, 'cache_read'), write: basePrice(v, 'cache_write') };
  }
}
