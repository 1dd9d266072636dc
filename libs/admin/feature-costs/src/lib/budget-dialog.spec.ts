import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import type { BudgetDto } from '@mph/admin-api-client';
import { BudgetDialog, budgetChanges } from './budget-dialog';

const budget: BudgetDto = {
  id: 'b1',
  name: 'Support bot',
  scope: 'project',
  scope_id: 'p1',
  scope_name: 'support-bot',
  amount: '250',
  currency: 'USD',
  period: 'monthly',
  mode: 'hard',
  period_start: '2026-12-01',
  period_end: '2027-01-01',
  spent: '12.5',
  reserved: '0',
  remaining: '237.5',
  percent: '5',
  has_webhook: true,
  editable: true,
};

describe('budget edit', () => {
  it('sends only what changed; the same amount written differently is no change', () => {
    const same = { name: 'Support bot', amount: '250.00', mode: 'hard', webhook_url: '', remove_webhook: false };
    expect(budgetChanges(budget, same)).toEqual({});
    expect(budgetChanges(budget, { ...same, amount: '300', mode: 'soft' })).toEqual({ amount: '300', mode: 'soft' });
    expect(budgetChanges(budget, { ...same, webhook_url: ' https://hooks.example.com/b ' })).toEqual({
      webhook_url: 'https://hooks.example.com/b',
    });
    // Ticking "stop posting alerts" wins over a typed address.
    expect(budgetChanges(budget, { ...same, webhook_url: 'https://x.example', remove_webhook: true })).toEqual({
      webhook_url: null,
    });
  });

  describe('dialog', () => {
    let http: HttpTestingController;
    let closed: unknown[];
    beforeEach(() => {
      closed = [];
      TestBed.configureTestingModule({
        imports: [BudgetDialog],
        providers: [
          provideNoopAnimations(),
          provideHttpClient(),
          provideHttpClientTesting(),
          { provide: MAT_DIALOG_DATA, useValue: budget },
          { provide: MatDialogRef, useValue: { close: (v?: unknown) => closed.push(v) } },
        ],
      });
      http = TestBed.inject(HttpTestingController);
    });
    afterEach(() => http.verify());

    it('says what the budget counts, refuses 0 before sending, and puts a server refusal on its field', async () => {
      const fixture = TestBed.createComponent(BudgetDialog);
      await fixture.whenStable();
      const el = fixture.nativeElement as HTMLElement;
      expect(el.textContent).toContain('On project support-bot · monthly');
      const form = fixture.componentInstance.form;
      form.patchValue({ amount: '0' });
      fixture.componentInstance.save();
      http.expectNone('/api/v1/budgets/b1');
      fixture.detectChanges();
      expect(el.textContent).toContain('An amount above 0, such as 50 or 12.5');

      form.patchValue({ amount: '400', webhook_url: 'http://10.0.0.1/hook' });
      fixture.componentInstance.save();
      const refused = http.expectOne('/api/v1/budgets/b1');
      expect(refused.request.method).toBe('PATCH');
      expect(refused.request.body).toEqual({ amount: '400', webhook_url: 'http://10.0.0.1/hook' });
      refused.flush(
        {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'private address',
            details: [{ field: 'webhook_url', problems: ['webhook_url: 10.0.0.1 is a private address'] }],
          },
        },
        { status: 400, statusText: 'Bad Request' },
      );
      fixture.detectChanges();
      expect(form.controls.webhook_url.getError('server')).toBe('10.0.0.1 is a private address');
      expect(closed).toEqual([]);

      form.patchValue({ webhook_url: '' });
      fixture.componentInstance.save();
      const ok = http.expectOne('/api/v1/budgets/b1');
      expect(ok.request.body).toEqual({ amount: '400' });
      ok.flush({ ...budget, amount: '400' });
      expect(closed).toEqual([{ ...budget, amount: '400' }]);
    });
  });
});
