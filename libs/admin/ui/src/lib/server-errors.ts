import { HttpErrorResponse } from '@angular/common/http';
import { AbstractControl, FormGroup } from '@angular/forms';

interface Envelope {
  error?: { message?: string; details?: { field: string; problems: string[] }[] };
}

/**
 * Puts the server's field problems (VALIDATION_FAILED details) on the form's controls, as the `server` error, and
 * returns the message to show above the actions.
 */
export function applyServerErrors(form: FormGroup, e: unknown, fallback = 'Saving failed; try again.'): string {
  const envelope = e instanceof HttpErrorResponse ? (e.error as Envelope | null) : null;
  let placed = false;
  for (const d of envelope?.error?.details ?? []) {
    const control: AbstractControl | null = form.get(d.field);
    if (control) {
      control.setErrors({ server: d.problems.join(', ') });
      control.markAsTouched();
      placed = true;
    }
  }
  return placed ? 'Fix the marked fields.' : (envelope?.error?.message ?? fallback);
}

/** The API's message from an error envelope (`{"error":{"message"}}`), or `fallback` when there is none. */
export function errorText(e: unknown, fallback: string): string {
  const envelope = e instanceof HttpErrorResponse ? (e.error as Envelope | null) : null;
  return envelope?.error?.message ?? fallback;
}
