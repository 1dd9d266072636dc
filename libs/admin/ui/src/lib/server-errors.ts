import { HttpErrorResponse } from '@angular/common/http';
import { AbstractControl, FormGroup } from '@angular/forms';

interface Envelope {
  error?: { message?: string; details?: { field: string; problems: string[] }[] };
}

/** A server problem as a field's message: without the API's field name in front, capitalised. */
export function problemText(field: string, problem: string): string {
  const text = problem.startsWith(`${field}: `)
    ? problem.slice(field.length + 2)
    : problem.startsWith(`${field} `)
      ? problem.slice(field.length + 1)
      : problem;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Puts every field problem of the server's answer (VALIDATION_FAILED details) on the form's controls at once, as
 * their `server` error in words, and returns the message to show above the actions. `fields` maps API field names to
 * control names where they differ.
 */
export function applyServerErrors(
  form: FormGroup,
  e: unknown,
  fallback = 'Saving failed; try again.',
  fields: Record<string, string> = {},
): string {
  const envelope = e instanceof HttpErrorResponse ? (e.error as Envelope | null) : null;
  let placed = 0;
  const unplaced: string[] = [];
  for (const d of envelope?.error?.details ?? []) {
    const control: AbstractControl | null = form.get(fields[d.field] ?? d.field);
    const text = d.problems.map((p) => problemText(d.field, p)).join('; ');
    if (control) {
      control.setErrors({ server: text });
      control.markAsTouched();
      placed++;
    } else {
      unplaced.push(`${d.field}: ${text}`);
    }
  }
  if (!placed) return envelope?.error?.message ?? fallback;
  return unplaced.length ? `Fix the marked fields. Also: ${unplaced.join(' ')}` : 'Fix the marked fields.';
}

/** The API's message from an error envelope (`{"error":{"message"}}`), or `fallback` when there is none. */
export function errorText(e: unknown, fallback: string): string {
  const envelope = e instanceof HttpErrorResponse ? (e.error as Envelope | null) : null;
  return envelope?.error?.message ?? fallback;
}

/**
 * What is wrong with a form control, in words, for its `<mat-error>`: the server's problem for the field first, then
 * the client checks (`pattern` and `min`/`max` say `hint`, which should name the expected form).
 */
export function fieldError(control: AbstractControl, hint = 'Check the format'): string {
  const e = control.errors ?? {};
  if (typeof e['server'] === 'string') return e['server'];
  if (e['required']) return 'Required';
  if (e['email']) return 'An email address, such as ada@example.com';
  if (e['minlength']) return `At least ${(e['minlength'] as { requiredLength: number }).requiredLength} characters`;
  if (e['maxlength']) return `At most ${(e['maxlength'] as { requiredLength: number }).requiredLength} characters`;
  return hint;
}
