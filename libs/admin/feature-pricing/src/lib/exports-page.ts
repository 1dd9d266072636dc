import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ApiConfiguration, ExportsService } from '@mph/admin-api-client';
import { PricingLinks } from './pricing-links';

export interface PriceExport {
  title: string;
  file: string;
  path: string;
  what: string;
  use: string;
}

/** The public exports of the price list, with what each is for. */
export const PRICE_EXPORTS: PriceExport[] = [
  {
    title: 'Prices as CSV',
    file: 'prices.csv',
    path: ExportsService.ExportCsvPath,
    what: 'Every price component in force: provider, model, unit, tier, region, price per 1M tokens or per item, as stored.',
    use: 'Spreadsheets and audits.',
  },
  {
    title: 'LiteLLM cost map',
    file: 'litellm.json',
    path: ExportsService.ExportLitellmPath,
    what: 'LiteLLM’s model_prices_and_context_window.json shape (USD per token).',
    use: 'Point LITELLM_MODEL_COST_MAP_URL at this address to price a LiteLLM proxy with these prices.',
  },
  {
    title: 'OpenRouter models list',
    file: 'openrouter-models.json',
    path: ExportsService.ExportOpenrouterPath,
    what: 'OpenRouter’s GET /api/v1/models shape: one entry per model at its cheapest offering’s price.',
    use: 'Tools that read OpenRouter’s model list.',
  },
];

/** `/api/v1/exports/prices.csv?at=2026-01-01T00:00:00Z`: an export's address, at an instant when one is given. */
export function exportUrl(root: string, path: string, day: string): string {
  return `${root}${path}${day ? `?at=${encodeURIComponent(`${day}T00:00:00Z`)}` : ''}`;
}

/** Pricing › Exports: download the price list in the shapes other tools read, now or as it was on a day. */
@Component({
  selector: 'mph-exports-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatFormFieldModule, MatInputModule, PricingLinks],
  template: `
    <mph-pricing-links />
    <header class="page-header"><h1>Exports</h1></header>
    <p class="sub">The price list in the shapes other tools read. Public, like the prices; no sign-in needed.</p>
    <mat-form-field appearance="outline">
      <mat-label>Prices as of (UTC day)</mat-label>
      <input matInput type="date" [ngModel]="day()" (ngModelChange)="day.set($event ?? '')" data-testid="export-day" />
      <mat-hint>Empty: now</mat-hint>
    </mat-form-field>
    <ul class="exports">
      @for (e of links(); track e.file) {
        <li>
          <h2>{{ e.title }}</h2>
          <p>{{ e.what }} {{ e.use }}</p>
          <a [href]="e.url" [attr.download]="e.file" [attr.data-testid]="'export-' + e.file">Download {{ e.file }}</a>
          <code class="url">{{ e.full }}</code>
        </li>
      }
    </ul>
  `,
  styles: `
    .exports {
      list-style: none;
      padding: 0;
      display: grid;
      gap: 16px;
      max-width: 90ch;
    }
    .exports h2 {
      font: var(--mat-sys-title-medium);
      margin: 0 0 4px;
    }
    .exports p {
      margin: 0 0 4px;
    }
    .url {
      display: block;
      overflow-wrap: anywhere;
      color: var(--mat-sys-on-surface-variant);
      margin-top: 4px;
    }
  `,
})
export class ExportsPage {
  private readonly root = inject(ApiConfiguration).rootUrl;
  readonly origin = typeof location === 'undefined' ? '' : location.origin;
  readonly day = signal('');
  readonly links = computed(() =>
    PRICE_EXPORTS.map((e) => {
      const url = exportUrl(this.root, e.path, this.day());
      return { ...e, url, full: /^https?:/.test(url) ? url : `${this.origin}${url}` };
    }),
  );
}
