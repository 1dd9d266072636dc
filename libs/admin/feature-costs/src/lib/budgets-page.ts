import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormBuilder, FormGroupDirective, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { BudgetDto, BudgetsService, CreateBudgetDto } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { applyServerErrors, byId, confirmAction, fieldError, Money, showSecret, silentErrors } from '@mph/admin-ui';
import { filter, switchMap } from 'rxjs';
import { BudgetDialog, BUDGET_AMOUNT } from './budget-dialog';
import { CostsLinks } from './costs-links';

/** Budgets with this period's spend; add one (hard blocks calls with 402, soft only alerts) or remove one. */
@Component({
  selector: 'mph-budgets-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
    CostsLinks,
    Money,
  ],
  template: `
    <mph-costs-links />
    <header class="page-header"><h1>Budgets</h1></header>
    <form [formGroup]="form" #formDir="ngForm" (ngSubmit)="create(formDir)" class="filters" novalidate>
      <mat-form-field appearance="outline">
        <mat-label>Name</mat-label>
        <input matInput formControlName="name" data-testid="budget-name" />
        @if (form.controls.name.invalid) {
          <mat-error>{{ fieldError(form.controls.name) }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>On</mat-label>
        <mat-select formControlName="scope" data-testid="budget-scope">
          <mat-option value="user">my usage</mat-option>
          <mat-option value="api_key">an API key</mat-option>
          @if (operator()) {
            <mat-option value="project">a project</mat-option>
          }
        </mat-select>
      </mat-form-field>
      @if (form.controls.scope.value !== 'user') {
        <mat-form-field appearance="outline">
          <mat-label>{{ form.controls.scope.value === 'project' ? 'Project' : 'API key id' }}</mat-label>
          <input matInput formControlName="scope_id" />
          @if (form.controls.scope_id.invalid) {
            <mat-error>{{ fieldError(form.controls.scope_id) }}</mat-error>
          }
        </mat-form-field>
      }
      <mat-form-field appearance="outline">
        <mat-label>Amount (USD)</mat-label>
        <input matInput formControlName="amount" data-testid="budget-amount" />
        @if (form.controls.amount.invalid) {
          <mat-error>{{ fieldError(form.controls.amount, 'An amount above 0, such as 50 or 12.5') }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Period</mat-label>
        <mat-select formControlName="period">
          <mat-option value="daily">daily</mat-option>
          <mat-option value="monthly">monthly</mat-option>
        </mat-select>
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Mode</mat-label>
        <mat-select formControlName="mode">
          <mat-option value="soft">soft (alert)</mat-option>
          <mat-option value="hard">hard (block)</mat-option>
        </mat-select>
      </mat-form-field>
      <mat-form-field appearance="outline">
        <mat-label>Alert webhook (optional)</mat-label>
        <input matInput formControlName="webhook_url" placeholder="https://hooks.example.com/budgets" />
        @if (form.controls.webhook_url.invalid) {
          <mat-error>{{ fieldError(form.controls.webhook_url, 'An https:// address') }}</mat-error>
        }
      </mat-form-field>
      <button mat-flat-button type="submit" data-testid="budget-save">Add budget</button>
    </form>
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    <table mat-table [dataSource]="budgets()" [trackBy]="byId" class="table" data-testid="budgets-table">
      <ng-container matColumnDef="name">
        <th mat-header-cell *matHeaderCellDef>Budget</th>
        <td mat-cell *matCellDef="let b">
          {{ b.name }}
          <div class="sub">
            {{ b.scope === 'api_key' ? 'API key' : b.scope }} {{ b.scope_name ?? b.scope_id }} · {{ b.mode }} ·
            {{ b.period }}{{ b.has_webhook ? ' · webhook' : '' }}
          </div>
        </td>
      </ng-container>
      <ng-container matColumnDef="spent">
        <th mat-header-cell *matHeaderCellDef class="num">Spent / amount</th>
        <td mat-cell *matCellDef="let b" class="amount">
          <mph-money [amount]="b.spent" [currency]="b.currency" /> /
          <mph-money [amount]="b.amount" [currency]="b.currency" /> ({{ b.percent }}%)
          @if (b.reserved !== '0') {
            <div class="sub"><mph-money [amount]="b.reserved" [currency]="b.currency" /> held for calls in flight</div>
          }
        </td>
      </ng-container>
      <ng-container matColumnDef="period">
        <th mat-header-cell *matHeaderCellDef>Period</th>
        <td mat-cell *matCellDef="let b">{{ b.period_start }} → {{ b.period_end }}</td>
      </ng-container>
      <ng-container matColumnDef="actions">
        <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
        <td mat-cell *matCellDef="let b" class="actions">
          @if (b.editable) {
            <button mat-button type="button" (click)="edit(b)" [attr.aria-label]="'Edit ' + b.name">Edit</button>
            <button mat-button type="button" (click)="remove(b)" [attr.aria-label]="'Delete ' + b.name">Delete</button>
          } @else {
            <span class="sub">set by an operator</span>
          }
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
    </table>
  `,
})
export class BudgetsPage implements OnInit {
  readonly byId = byId;
  private readonly api = inject(BudgetsService);
  private readonly dialog = inject(MatDialog);
  private readonly session = inject(SessionStore);
  readonly operator = computed(() => this.session.hasRole('operator', 'admin'));
  readonly columns = ['name', 'spent', 'period', 'actions'];
  readonly budgets = signal<BudgetDto[]>([]);
  readonly error = signal<string | null>(null);
  readonly fieldError = fieldError;
  readonly form = inject(FormBuilder).group({
    name: ['', Validators.required],
    scope: ['user' as CreateBudgetDto['scope']],
    scope_id: [''],
    amount: ['', [Validators.required, Validators.pattern(BUDGET_AMOUNT)]],
    period: ['monthly' as CreateBudgetDto['period']],
    mode: ['soft' as CreateBudgetDto['mode']],
    webhook_url: [''],
  });

  ngOnInit(): void {
    this.load();
  }

  load(): void {
    this.api.listBudgets().subscribe(({ data }) => this.budgets.set(data));
  }

  create(formDir?: FormGroupDirective): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    const body: CreateBudgetDto = {
      name: v.name ?? '',
      scope: v.scope ?? 'user',
      amount: v.amount ?? '',
      period: v.period ?? 'monthly',
      mode: v.mode ?? 'soft',
      ...(v.scope !== 'user' && v.scope_id ? { scope_id: v.scope_id } : {}),
      ...(v.webhook_url ? { webhook_url: v.webhook_url } : {}),
    };
    this.error.set(null);
    this.api.createBudget({ body }, silentErrors()).subscribe({
      next: (created) => {
        // resetForm also clears the submitted state: emptied fields are not called "Required" for the next budget.
        const empty = {
          name: '',
          scope: 'user' as const,
          scope_id: '',
          amount: '',
          period: 'monthly' as const,
          mode: 'soft' as const,
          webhook_url: '',
        };
        if (formDir) formDir.resetForm(empty);
        else this.form.reset(empty);
        this.load();
        if (created.webhook_secret) {
          showSecret(this.dialog, {
            title: 'Webhook secret',
            message: 'Alerts are signed with it (X-MPH-Signature: sha256 HMAC over "<timestamp>.<body>").',
            secret: created.webhook_secret,
          }).subscribe();
        }
      },
      error: (e: unknown) => {
        this.error.set(applyServerErrors(this.form, e, 'The budget was not saved; try again.'));
      },
    });
  }

  edit(b: BudgetDto): void {
    this.dialog
      .open(BudgetDialog, { data: b, width: '640px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((saved?: BudgetDto) => {
        if (!saved) return;
        this.load();
        if (saved.webhook_secret) {
          showSecret(this.dialog, {
            title: 'New webhook secret',
            message: 'Alerts to the new address are signed with it (X-MPH-Signature).',
            secret: saved.webhook_secret,
          }).subscribe();
        }
      });
  }

  remove(b: BudgetDto): void {
    confirmAction(this.dialog, {
      title: `Delete ${b.name}?`,
      message: 'Calls are no longer limited or alerted by it.',
      confirm: 'Delete',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.deleteBudget({ id: b.id })),
      )
      .subscribe(() => this.load());
  }
}
