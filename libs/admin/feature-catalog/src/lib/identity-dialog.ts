import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { CatalogEditingService, IdentityChangeDto, ModelsService, OfferingDto } from '@mph/admin-api-client';
import { silentErrors } from '@mph/admin-ui';
import { Observable } from 'rxjs';

export type IdentityAction = 'merge' | 'split' | 'move';

export interface IdentityDialogData {
  action: IdentityAction;
  modelId: string;
  /** Split: the model's offerings to choose from; move: the one offering. */
  offerings: OfferingDto[];
}

const TITLES: Record<IdentityAction, string> = {
  merge: 'Merge into another model',
  split: 'Split offerings into a new model',
  move: 'Move the offering to another model',
};

/**
 * An operator's identity decision (merge, split, move): fill in, preview what changes (a dry run on the server), then
 * apply exactly that. Closes with the applied change.
 */
@Component({
  selector: 'mph-identity-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  template: `
    <h2 mat-dialog-title>{{ title }}</h2>
    <mat-dialog-content>
      @if (data.action === 'move') {
        <p>
          {{ data.offerings[0].provider }} serves it as <code>{{ data.offerings[0].provider_model_id }}</code>; choose
          the model it really serves.
        </p>
      } @else if (data.action === 'merge') {
        <p>
          The offerings of <strong>{{ data.modelId }}</strong> move to the model you choose; {{ data.modelId }} is
          removed and its id becomes that model's alias.
        </p>
      } @else {
        <p>The offerings you tick move to a new model; the others stay with {{ data.modelId }}.</p>
      }
      @if (data.action === 'split') {
        <mat-form-field appearance="outline" class="wide">
          <mat-label>New model id (owner/name)</mat-label>
          <input matInput [(ngModel)]="newId" (ngModelChange)="stale()" data-testid="identity-new-id" />
        </mat-form-field>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Display name (optional)</mat-label>
          <input matInput [(ngModel)]="displayName" (ngModelChange)="stale()" />
        </mat-form-field>
        <fieldset class="choose">
          <legend>Offerings that serve the new model</legend>
          @for (o of data.offerings; track o.id) {
            <mat-checkbox
              [checked]="chosen.has(o.id)"
              (change)="toggle(o.id)"
              [attr.data-testid]="'split-' + o.provider"
            >
              {{ o.provider }} · {{ o.provider_model_id }}
            </mat-checkbox>
          }
        </fieldset>
      } @else {
        <mat-form-field appearance="outline" class="wide">
          <mat-label>{{ data.action === 'merge' ? 'Merge into' : 'Model it serves' }}</mat-label>
          <input
            matInput
            [(ngModel)]="target"
            (ngModelChange)="stale(); suggest($event)"
            [matAutocomplete]="auto"
            data-testid="identity-target"
          />
          <mat-autocomplete #auto="matAutocomplete" (optionSelected)="stale()">
            @for (s of suggestions(); track s) {
              <mat-option [value]="s">{{ s }}</mat-option>
            }
          </mat-autocomplete>
          <mat-hint>Search by id or name; the model that stays.</mat-hint>
        </mat-form-field>
      }
      @if (preview(); as p) {
        <div class="preview" data-testid="identity-preview" role="status">
          <p>
            <strong>{{ p.summary }}</strong>
          </p>
          @if (p.offerings.length) {
            <ul>
              @for (o of p.offerings; track o.id) {
                <li>{{ o.provider }} · {{ o.provider_model_id }}</li>
              }
            </ul>
          }
          <p class="sub">Moved offerings are pinned: no sync moves them again. The change is audited.</p>
        </div>
      }
      @if (error(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>Cancel</button>
      <button
        mat-stroked-button
        type="button"
        (click)="run(true)"
        [disabled]="busy()"
        data-testid="identity-preview-btn"
      >
        Preview
      </button>
      <button
        mat-flat-button
        type="button"
        (click)="run(false)"
        [disabled]="busy() || !preview()"
        data-testid="identity-apply"
      >
        {{ applyLabel }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .wide {
      width: 100%;
    }
    .choose {
      border: none;
      padding: 0;
      display: flex;
      flex-direction: column;
    }
    .preview {
      border-left: 3px solid var(--mat-sys-primary);
      padding-left: 12px;
      margin-top: 8px;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class IdentityDialog {
  readonly data = inject<IdentityDialogData>(MAT_DIALOG_DATA);
  private readonly editing = inject(CatalogEditingService);
  private readonly models = inject(ModelsService);
  private readonly ref = inject(MatDialogRef<IdentityDialog, IdentityChangeDto>);
  readonly title = TITLES[this.data.action];
  readonly applyLabel = { merge: 'Merge', split: 'Split', move: 'Move' }[this.data.action];
  readonly preview = signal<IdentityChangeDto | null>(null);
  readonly suggestions = signal<string[]>([]);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  target = '';
  newId = '';
  displayName = '';
  readonly chosen = new Set<string>();

  /** Any edit makes the preview stale: applying needs a preview of exactly what is applied. */
  stale(): void {
    this.preview.set(null);
    this.error.set(null);
  }

  toggle(id: string): void {
    if (this.chosen.has(id)) this.chosen.delete(id);
    else this.chosen.add(id);
    this.stale();
  }

  suggest(q: string): void {
    const text = q.trim();
    if (text.length < 2) {
      this.suggestions.set([]);
      return;
    }
    this.models.listModels({ q: text, per_page: 8 }, silentErrors()).subscribe({
      next: (r) => this.suggestions.set(r.data.map((m) => m.id).filter((id) => id !== this.data.modelId)),
      error: () => this.suggestions.set([]),
    });
  }

  run(dryRun: boolean): void {
    const [owner, name] = this.data.modelId.split('/');
    let call: Observable<IdentityChangeDto>;
    if (this.data.action === 'merge') {
      call = this.editing.mergeModel(
        { owner, name, body: { into: this.target.trim(), dry_run: dryRun } },
        silentErrors(),
      );
    } else if (this.data.action === 'split') {
      call = this.editing.splitModel(
        {
          owner,
          name,
          body: {
            new_model_id: this.newId.trim(),
            ...(this.displayName.trim() ? { display_name: this.displayName.trim() } : {}),
            offering_ids: [...this.chosen],
            dry_run: dryRun,
          },
        },
        silentErrors(),
      );
    } else {
      call = this.editing.moveOffering(
        { id: this.data.offerings[0].id, body: { model_id: this.target.trim(), dry_run: dryRun } },
        silentErrors(),
      );
    }
    this.busy.set(true);
    this.error.set(null);
    call.subscribe({
      next: (change) => {
        this.busy.set(false);
        if (dryRun) this.preview.set(change);
        else this.ref.close(change);
      },
      error: (e: { error?: { error?: { message?: string } } }) => {
        this.busy.set(false);
        this.preview.set(null);
        this.error.set(e.error?.error?.message ?? 'That did not work; try again.');
      },
    });
  }
}
