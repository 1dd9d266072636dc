import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { Observable } from 'rxjs';

export interface SecretData {
  title: string;
  /** What the secret is and what to do with it. */
  message: string;
  secret: string;
}

/** Shows a secret (API key, generated password) exactly once, with a copy button. */
@Component({
  selector: 'mph-secret-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatDialogModule],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content>
      <p>{{ data.message }}</p>
      <code class="secret" data-testid="secret">{{ data.secret }}</code>
      <p class="warning">It will not be shown again.</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" (click)="copy()" data-testid="copy-secret">
        {{ copied() ? 'Copied' : 'Copy' }}
      </button>
      <button mat-flat-button type="button" mat-dialog-close>I have stored it</button>
    </mat-dialog-actions>
  `,
  styles: `
    .secret {
      display: block;
      padding: 12px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-high);
      word-break: break-all;
      font-family: ui-monospace, monospace;
      user-select: all;
    }
    .warning {
      color: var(--mat-sys-error);
    }
  `,
})
export class SecretDialog {
  readonly data = inject<SecretData>(MAT_DIALOG_DATA);
  private readonly clipboard = inject(Clipboard);
  readonly copied = signal(false);

  copy(): void {
    this.copied.set(this.clipboard.copy(this.data.secret));
  }
}

export function showSecret(dialog: MatDialog, data: SecretData): Observable<unknown> {
  return dialog.open(SecretDialog, { data, disableClose: true, width: '560px' }).afterClosed();
}
