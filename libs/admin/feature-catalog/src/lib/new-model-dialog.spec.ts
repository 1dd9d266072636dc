import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { NewModelDialog, newModelBody } from './new-model-dialog';

const blank = {
  id: '',
  display_name: '',
  creator_vendor: '',
  license: '',
  description: '',
  context_window: null,
  max_output: null,
  tool_calling: false,
  structured_output: false,
  reasoning: false,
  vision: false,
  open_weights: false,
};

describe('NewModelDialog', () => {
  let http: HttpTestingController;
  let closed: unknown[];
  beforeEach(() => {
    closed = [];
    TestBed.configureTestingModule({
      imports: [NewModelDialog],
      providers: [
        provideNoopAnimations(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close: (v?: unknown) => closed.push(v) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('sends what was filled in, trimmed; unticked capabilities stay unknown rather than false', () => {
    expect(
      newModelBody({
        ...blank,
        id: ' acme/rocket-8b ',
        display_name: 'Rocket 8B',
        context_window: 32768,
        reasoning: true,
      }),
    ).toEqual({ id: 'acme/rocket-8b', display_name: 'Rocket 8B', context_window: 32768, reasoning: true });
  });

  it('checks the id form first, then says when the id is taken', async () => {
    const fixture = TestBed.createComponent(NewModelDialog);
    await fixture.whenStable();
    const dialog = fixture.componentInstance;
    dialog.form.patchValue({ id: 'rocket', display_name: 'Rocket' });
    dialog.save();
    http.expectNone('/api/v1/models');
    fixture.detectChanges();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('owner/name, such as acme/rocket-8b');

    dialog.form.patchValue({ id: 'acme/rocket' });
    dialog.save();
    const taken = http.expectOne('/api/v1/models');
    expect(taken.request.method).toBe('POST');
    taken.flush(
      { error: { code: 'MODEL_EXISTS', message: 'A model "acme/rocket" already exists.' } },
      { status: 409, statusText: 'Conflict' },
    );
    expect(dialog.error()).toBe('A model "acme/rocket" already exists.');
    expect(closed).toEqual([]);
    dialog.form.patchValue({ id: 'acme/rocket-2' });
    dialog.save();
    http.expectOne('/api/v1/models').flush({ id: 'acme/rocket-2' });
    expect(closed).toEqual([{ id: 'acme/rocket-2' }]);
  });
});
