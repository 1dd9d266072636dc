import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import type { IdentityChangeDto, OfferingDto } from '@mph/admin-api-client';
import { IdentityDialog, IdentityDialogData } from './identity-dialog';

const offerings: OfferingDto[] = [
  {
    id: 'o1',
    provider: 'together',
    provider_model_id: 'rocketlab/rocket-oss-v1',
    context_window: null,
    max_output: null,
    status: 'active',
  },
  {
    id: 'o2',
    provider: 'fireworks',
    provider_model_id: 'accounts/fireworks/models/rocket-oss',
    context_window: null,
    max_output: null,
    status: 'active',
  },
];

const change = (over: Partial<IdentityChangeDto>): IdentityChangeDto => ({
  action: 'merge',
  applied: false,
  from_model: 'rocketlab/rocket-oss-v1',
  to_model: 'acme/rocket-oss',
  creates_model: false,
  offerings,
  aliases_added: ['rocketlab/rocket-oss-v1'],
  removes_model: true,
  leaves_empty: true,
  summary: 'Moves 2 offerings to acme/rocket-oss and removes rocketlab/rocket-oss-v1.',
  ...over,
});

describe('IdentityDialog', () => {
  let http: HttpTestingController;
  let closed: unknown[];
  let data: IdentityDialogData;
  beforeEach(() => {
    closed = [];
    data = { action: 'merge', modelId: 'rocketlab/rocket-oss-v1', offerings };
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        { provide: MAT_DIALOG_DATA, useFactory: () => data },
        { provide: MatDialogRef, useValue: { close: (v?: unknown) => closed.push(v) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('merge: previews on the server, applies only what was previewed, and any edit needs a new preview', async () => {
    const fixture = TestBed.createComponent(IdentityDialog);
    const dialog = fixture.componentInstance;
    fixture.detectChanges();
    const apply = () => (fixture.nativeElement as HTMLElement).querySelector('[data-testid="identity-apply"]');
    expect(apply()?.hasAttribute('disabled')).toBe(true);
    dialog.target = 'acme/rocket-oss';
    dialog.run(true);
    const preview = http.expectOne('/api/v1/models/rocketlab/rocket-oss-v1/merge');
    expect(preview.request.body).toEqual({ into: 'acme/rocket-oss', dry_run: true });
    preview.flush(change({}));
    fixture.detectChanges();
    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[data-testid="identity-preview"]')?.textContent,
    ).toContain('Moves 2 offerings to acme/rocket-oss');
    expect(apply()?.hasAttribute('disabled')).toBe(false);
    dialog.stale();
    fixture.detectChanges();
    expect(apply()?.hasAttribute('disabled')).toBe(true);
    dialog.run(true);
    http.expectOne('/api/v1/models/rocketlab/rocket-oss-v1/merge').flush(change({}));
    dialog.run(false);
    const applied = http.expectOne('/api/v1/models/rocketlab/rocket-oss-v1/merge');
    expect(applied.request.body).toEqual({ into: 'acme/rocket-oss', dry_run: false });
    applied.flush(change({ applied: true }));
    expect(closed).toEqual([change({ applied: true })]);
  });

  it('split sends the chosen offerings and the new id; a refusal is shown', async () => {
    data = { action: 'split', modelId: 'acme/rocket-oss', offerings };
    const fixture = TestBed.createComponent(IdentityDialog);
    const dialog = fixture.componentInstance;
    fixture.detectChanges();
    dialog.newId = 'acme/rocket-oss-fast';
    dialog.toggle('o2');
    dialog.run(true);
    const req = http.expectOne('/api/v1/models/acme/rocket-oss/split');
    expect(req.request.body).toEqual({ new_model_id: 'acme/rocket-oss-fast', offering_ids: ['o2'], dry_run: true });
    req.flush(
      { error: { code: 'MODEL_EXISTS', message: '"acme/rocket-oss-fast" is already a model' } },
      { status: 409, statusText: 'Conflict' },
    );
    expect(dialog.error()).toBe('"acme/rocket-oss-fast" is already a model');
    expect(dialog.preview()).toBeNull();
  });

  it('move targets the one offering and suggests models by search', async () => {
    data = { action: 'move', modelId: 'acme/rocket-oss', offerings: [offerings[1]] };
    const fixture = TestBed.createComponent(IdentityDialog);
    const dialog = fixture.componentInstance;
    fixture.detectChanges();
    dialog.suggest('rock');
    http
      .expectOne((r) => r.url === '/api/v1/models' && r.params.get('q') === 'rock')
      .flush({ data: [{ id: 'acme/rocket-oss' }, { id: 'acme/rocket-oss-fast' }], meta: { next_cursor: null } });
    expect(dialog.suggestions()).toEqual(['acme/rocket-oss-fast']);
    dialog.target = 'acme/rocket-oss-fast';
    dialog.run(true);
    const req = http.expectOne('/api/v1/offerings/o2/move');
    expect(req.request.body).toEqual({ model_id: 'acme/rocket-oss-fast', dry_run: true });
    req.flush(change({ action: 'move', offerings: [offerings[1]] }));
    expect(dialog.preview()?.action).toBe('move');
  });
});
