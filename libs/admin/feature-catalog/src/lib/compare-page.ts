import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import { ModelDetailDto, ModelsService } from '@mph/admin-api-client';
import { silentErrors } from '@mph/admin-ui';
import { modelLink } from './catalog-page';

/** Rows of the comparison: a label and how to read it from a model. */
export const COMPARE_ROWS: [string, (m: ModelDetailDto) => string][] = [
  ['Author', (m) => m.author],
  [
    'Context window',
    (m) => (m.context_window === null ? 'unknown' : `${m.context_window.toLocaleString('en-US')} tokens`),
  ],
  ['Max output', (m) => (m.max_output === null ? 'unknown' : `${m.max_output.toLocaleString('en-US')} tokens`)],
  ['Input', (m) => m.input_modalities.join(', ') || 'unknown'],
  ['Output', (m) => m.output_modalities.join(', ') || 'unknown'],
  ['Tool calling', (m) => yesNo(m.tool_calling)],
  ['Reasoning', (m) => yesNo(m.reasoning)],
  ['Vision', (m) => yesNo(m.vision)],
  ['Open weights', (m) => yesNo(m.open_weights)],
  ['License', (m) => m.license ?? 'unknown'],
  ['Providers', (m) => m.offerings.map((o) => o.provider).join(', ') || 'none'],
  ['Based on', (m) => m.base_models.map((b) => `${b.id} (${b.relation})`).join(', ') || '—'],
];

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

/** Catalog › Compare: 2–6 models side by side; the ids live in the URL (`?ids=a,b`). */
@Component({
  selector: 'mph-compare-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, RouterLink, MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <header class="page-header"><h1>Compare models</h1></header>
    <form class="filters" (ngSubmit)="apply(draft)">
      <mat-form-field appearance="outline" class="search" subscriptSizing="dynamic">
        <mat-label>Model ids, comma-separated (2 to 6)</mat-label>
        <input matInput name="ids" [(ngModel)]="draft" placeholder="openai/gpt-4o, anthropic/claude-sonnet-4.5" />
      </mat-form-field>
      <button mat-flat-button type="submit">Compare</button>
    </form>
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
    } @else if (!error()) {
      <p class="sub">Enter two to six model ids, or pick them from the models list.</p>
    }
  `,
  styleUrl: './catalog.scss',
  styles: `
    .compare {
      border-collapse: collapse;
      width: 100%;
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
  readonly models = signal<ModelDetailDto[]>([]);
  readonly error = signal<string | null>(null);
  readonly rows = COMPARE_ROWS;
  readonly modelLink = modelLink;
  draft = '';

  constructor() {
    effect(() => {
      const ids = this.ids() ?? '';
      this.draft = ids.split(',').join(', ');
      if (ids) this.load(ids);
    });
  }

  apply(value: string): void {
    const ids = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .join(',');
    void this.router.navigate([], { queryParams: { ids } });
  }

  private load(ids: string): void {
    this.error.set(null);
    this.api.compareModels({ ids }, silentErrors()).subscribe({
      next: ({ data }) => this.models.set(data),
      error: (e: { error?: { error?: { message?: string } } }) => {
        this.models.set([]);
        this.error.set(e.error?.error?.message ?? 'The comparison could not be loaded.');
      },
    });
  }
}
