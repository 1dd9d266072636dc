import { HttpErrorResponse } from '@angular/common/http';
import { FormControl, FormGroup, Validators } from '@angular/forms';
import { applyServerErrors, fieldError, problemText } from './server-errors';

const refused = (details: { field: string; problems: string[] }[]) =>
  new HttpErrorResponse({
    status: 400,
    error: { error: { code: 'VALIDATION_FAILED', message: 'Check the fields.', details } },
  });

describe('server errors on forms', () => {
  it('puts every field problem on its control at once, in words, and names the ones without a field', () => {
    const form = new FormGroup({
      schedule: new FormControl(''),
      url: new FormControl(''),
      auth_value: new FormControl(''),
    });
    const message = applyServerErrors(
      form,
      refused([
        { field: 'schedule', problems: ['must be a cron schedule in UTC'] },
        { field: 'url', problems: ['url must be an https URL'] },
        { field: 'auth_header', problems: ['value is too long'] },
        { field: 'max_jump', problems: ['must be above 1'] },
      ]),
      'Saving failed.',
      { auth_header: 'auth_value' },
    );
    expect(form.controls.schedule.getError('server')).toBe('Must be a cron schedule in UTC');
    expect(form.controls.url.getError('server')).toBe('Must be an https URL');
    expect(form.controls.auth_value.getError('server')).toBe('Value is too long');
    expect(message).toBe('Fix the marked fields. Also: max_jump: Must be above 1');
    expect(applyServerErrors(form, new HttpErrorResponse({ status: 500 }), 'Saving failed.')).toBe('Saving failed.');
  });

  it('says what a control lacks', () => {
    const required = new FormControl('', Validators.required);
    required.markAsTouched();
    expect(fieldError(required)).toBe('Required');
    expect(fieldError(new FormControl('x', Validators.email))).toMatch(/email address/);
    expect(fieldError(new FormControl('x', Validators.pattern(/^\d+$/)), 'Digits only')).toBe('Digits only');
    expect(problemText('name', 'name must be unique')).toBe('Must be unique');
    expect(problemText('scope_id', 'scope_id: required for project budgets')).toBe('Required for project budgets');
  });
});
