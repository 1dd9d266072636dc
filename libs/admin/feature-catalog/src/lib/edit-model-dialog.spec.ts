import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import type { ModelDetailDto } from '@mph/admin-api-client';
import { EditModelDialog } from './edit-model-dialog';

const model = {
  id: 'acme/rocket',
  display_name: 'Rocket',
  description: null,
  license: null,
  context_window: 8192,
  max_output: null,
  deprecation_date: null,
  tool_calling: true,
  structured_output: null,
  reasoning: false,
  vision: false,
  open_weights: true,
} as unknown as ModelDetailDto;

describe('EditModelDialog', () => {
  let http: HttpTestingController;
  let closed: unknown[];
  let data: ModelDetailDto;
  beforeEach(() => {
    closed = [];
    data = model;
    TestBed.configureTestingModule({
      imports: [EditModelDialog],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MAT_DIALOG_DATA, useFactory: () => data },
        { provide: MatDialogRef, useValue: { close: (v?: unknown) => closed.push(v) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('sends only the changed fields and closes with the updated model', async () => {
    const fixture = TestBed.createComponent(EditModelDialog);
    await fixture.whenStable();
    fixture.componentInstance.form.patchValue({ context_window: 32768, reasoning: true });
    fixture.componentInstance.save();
    const req = http.expectOne('/api/v1/models/acme/rocket');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ context_window: 32768, reasoning: true });
    req.flush({ ...model, context_window: 32768 });
    expect(closed).toEqual([{ ...model, context_window: 32768 }]);
  });

  it('lists the capabilities an operator decided and hands them back to the feeds', async () => {
    const pinned = {
      ...model,
      capability_facts: [
        { field: 'vision', source: 'operator', kind: 'operator', value: true, used: true },
        { field: 'vision', source: 'models.dev', kind: 'models.dev', value: false, used: false },
        { field: 'max_output', source: 'operator', kind: 'operator', value: 4096, used: true },
      ],
    };
    data = pinned as unknown as ModelDetailDto;
    const fixture = TestBed.createComponent(EditModelDialog);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="pinned"]')?.textContent).toContain(
      'Set by an operator: vision, max_output.',
    );
    (el.querySelector('[data-testid="unpin"]') as HTMLButtonElement).click();
    const req = http.expectOne('/api/v1/models/acme/rocket');
    expect(req.request.body).toEqual({ vision: null, max_output: null });
    req.flush({ ...model, vision: false });
    expect(closed).toEqual([{ ...model, vision: false }]);
  });

  it('edits aliases as a comma-separated list; a name another model has comes back on the field', async () => {
    data = { ...model, aliases: ['rocket'] } as unknown as ModelDetailDto;
    const fixture = TestBed.createComponent(EditModelDialog);
    await fixture.whenStable();
    expect(fixture.componentInstance.form.controls.aliases.value).toBe('rocket');
    fixture.componentInstance.form.patchValue({ aliases: 'rocket, acme-rocket ,, rocket' });
    fixture.componentInstance.save();
    const req = http.expectOne('/api/v1/models/acme/rocket');
    expect(req.request.body).toEqual({ aliases: ['rocket', 'acme-rocket'] });
    req.flush(
      {
        error: {
          code: 'ALIAS_TAKEN',
          message: '"acme-rocket" already names acme/other; merge the two models instead of sharing a name.',
          details: [{ field: 'aliases', problems: ['"acme-rocket" already names acme/other'] }],
        },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();
    expect(fixture.componentInstance.form.controls.aliases.getError('server')).toBe(
      '"acme-rocket" already names acme/other',
    );
  });

  it('closes without a request when nothing changed', () => {
    const fixture = TestBed.createComponent(EditModelDialog);
    fixture.componentInstance.save();
    http.expectNone('/api/v1/models/acme/rocket');
    expect(closed).toEqual([undefined]);
  });

  it('puts server validation problems on the fields', async () => {
    const fixture = TestBed.createComponent(EditModelDialog);
    await fixture.whenStable();
    fixture.componentInstance.form.patchValue({ context_window: -1 });
    fixture.componentInstance.save();
    http.expectOne('/api/v1/models/acme/rocket').flush(
      {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'invalid',
          details: [{ field: 'context_window', problems: ['context_window must not be less than 1'] }],
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();
    expect(fixture.componentInstance.form.controls.context_window.getError('server')).toBe('Must not be less than 1');
    expect(fixture.componentInstance.error()).toBe('Fix the marked fields.');
    expect(fixture.nativeElement.querySelector('[data-testid="context-window-error"]')?.textContent).toContain(
      'Must not be less than 1',
    );
    expect(closed).toEqual([]);
  });

  it('shows the message of other errors', () => {
    const fixture = TestBed.createComponent(EditModelDialog);
    fixture.componentInstance.form.patchValue({ display_name: 'New' });
    fixture.componentInstance.save();
    http
      .expectOne('/api/v1/models/acme/rocket')
      .flush(
        { error: { code: 'FORBIDDEN', message: 'This needs the operator or admin role.' } },
        { status: 403, statusText: 'Forbidden' },
      );
    expect(fixture.componentInstance.error()).toBe('This needs the operator or admin role.');
  });
});
