import { DatePipe, NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal, WritableSignal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import {
  ModelsService,
  ModelSummaryDto,
  PriceChangeEventDto,
  PricesService,
  SourceHealthDto,
} from '@mph/admin-api-client';
import { basePrice, Money, onLiveChange, silentErrors } from '@mph/admin-ui';
import { modelLink } from './catalog-page';
import { ProviderNames } from './provider-names';

/** What a section shows while it loads, when it is empty, or when it failed. */
type Loaded<T> = { state: 'loading' } | { state: 'error' } | { state: 'ready'; rows: T[] };
const ready = <T>(target: WritableSignal<Loaded<T>>, rows: T[]) => target.set({ state: 'ready', rows });

/**
 * The public front page: "what does it cost?" — a search, the cheapest and the most downloaded models with their
 * prices, the latest price changes and how fresh each price feed is.
 */
@Component({
  selector: 'mph-home-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    NgTemplateOutlet,
    FormsModule,
    RouterLink,
    Money,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
  ],
  templateUrl: './home-page.html',
  styleUrl: './home-page.scss',
})
export class HomePage {
  private readonly models = inject(ModelsService);
  private readonly prices = inject(PricesService);
  private readonly router = inject(Router);
  readonly modelLink = modelLink;
  readonly basePrice = basePrice;
  readonly cheapest = signal<Loaded<ModelSummaryDto>>({ state: 'loading' });
  readonly popular = signal<Loaded<ModelSummaryDto>>({ state: 'loading' });
  readonly changes = signal<Loaded<PriceChangeEventDto>>({ state: 'loading' });
  readonly feeds = signal<Loaded<SourceHealthDto>>({ state: 'loading' });
  private readonly names = inject(ProviderNames);
  query = '';

  constructor() {
    this.loadModels();
    this.loadChanges();
    this.loadFeeds();
    // An open front page follows the prices and the feeds as they change (server-sent events), without a reload.
    // Every visitor's open front page hears the same event: their re-reads are spread over 2 s.
    onLiveChange(
      'prices',
      () => {
        this.loadModels();
        this.loadChanges();
      },
      { spreadMs: 2000 },
    );
    onLiveChange('sync', () => this.loadFeeds(), { spreadMs: 2000 });
  }

  private loadModels(): void {
    this.models
      .listModels({ sort: 'price', per_page: 8 }, silentErrors())
      .subscribe({ next: (r) => ready(this.cheapest, r.data), error: () => this.cheapest.set({ state: 'error' }) });
    this.models
      .listModels({ sort: 'downloads', per_page: 8 }, silentErrors())
      .subscribe({ next: (r) => ready(this.popular, r.data), error: () => this.popular.set({ state: 'error' }) });
  }

  private loadChanges(): void {
    this.prices
      .listRecentPriceChanges({ limit: 8 }, silentErrors())
      .subscribe({ next: (r) => ready(this.changes, r.data), error: () => this.changes.set({ state: 'error' }) });
  }

  private loadFeeds(): void {
    this.prices
      .getFeedFreshness(undefined, silentErrors())
      .subscribe({ next: (r) => ready(this.feeds, r.data), error: () => this.feeds.set({ state: 'error' }) });
  }

  provider(slug: string): string {
    return this.names.name(slug);
  }

  search(): void {
    const q = this.query.trim();
    void this.router.navigate(['/catalog'], { queryParams: q ? { q } : {} });
  }
}
