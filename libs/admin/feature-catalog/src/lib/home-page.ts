import { DatePipe, NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
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
import { basePrice, Money, silentErrors } from '@mph/admin-ui';
import { modelLink } from './catalog-page';
import { ProviderNames } from './provider-names';

/** What a section shows while it loads, when it is empty, or when it failed. */
type Loaded<T> = { state: 'loading' } | { state: 'error' } | { state: 'ready'; rows: T[] };

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
    const into = <T>(target: ReturnType<typeof signal<Loaded<T>>>) => ({
      next: (rows: T[]) => target.set({ state: 'ready', rows }),
      error: () => target.set({ state: 'error' }),
    });
    this.models
      .listModels({ sort: 'price', per_page: 8 }, silentErrors())
      .subscribe({ next: (r) => into(this.cheapest).next(r.data), error: into(this.cheapest).error });
    this.models
      .listModels({ sort: 'downloads', per_page: 8 }, silentErrors())
      .subscribe({ next: (r) => into(this.popular).next(r.data), error: into(this.popular).error });
    this.prices
      .listRecentPriceChanges({ limit: 8 }, silentErrors())
      .subscribe({ next: (r) => into(this.changes).next(r.data), error: into(this.changes).error });
    this.prices
      .getFeedFreshness(undefined, silentErrors())
      .subscribe({ next: (r) => into(this.feeds).next(r.data), error: into(this.feeds).error });
  }

  provider(slug: string): string {
    return this.names.name(slug);
  }

  search(): void {
    const q = this.query.trim();
    void this.router.navigate(['/catalog'], { queryParams: q ? { q } : {} });
  }
}
