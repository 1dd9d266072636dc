import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialog, MatDialogRef } from '@angular/material/dialog';
import { provideRouter } from '@angular/router';
import type { OfferingDto, UserDto, VendorDto } from '@mph/admin-api-client';
import { SessionStore } from '@mph/admin-feature-auth';
import { of } from 'rxjs';
import { OfferingDialog } from './offering-dialog';
import { changedFields } from './server-errors';
import { TrendingPage } from './trending-page';
import { VendorDialog } from './vendor-dialog';
import { VendorsPage } from './vendors-page';

const acme: VendorDto = {
  slug: 'acme',
  name: 'Acme AI',
  homepage: 'https://acme.example',
  kinds: ['creator', 'provider'],
  model_count: 3,
  offering_count: 2,
};
const bad = (field: string, problem: string) =>
  [
    { error: { code: 'VALIDATION_FAILED', message: 'invalid', details: [{ field, problems: [problem] }] } },
    { status: 400, statusText: 'Bad Request' },
  ] as const;

function setup(data: unknown, extra: unknown[] = []) {
  const closed: unknown[] = [];
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideRouter([]),
      { provide: MAT_DIALOG_DATA, useValue: data },
      { provide: MatDialogRef, useValue: { close: (v?: unknown) => closed.push(v) } },
      ...(extra as never[]),
    ],
  });
  return { http: TestBed.inject(HttpTestingController), closed };
}

describe('changedFields', () => {
  it('keeps what differs and drops empty values', () => {
    expect(changedFields({ a: 1, b: '', c: null, d: ['x'], e: 'same' }, { a: 2, d: ['y'], e: 'same' })).toEqual({
      a: 1,
      d: ['x'],
    });
  });
});

describe('VendorDialog', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('creates a vendor with the chosen kinds', async () => {
    const { http, closed } = setup(null);
    const fixture = TestBed.createComponent(VendorDialog);
    await fixture.whenStable();
    const c = fixture.componentInstance;
    c.form.patchValue({ slug: 'newco', name: 'NewCo', homepage: 'https://newco.example' });
    c.form.controls.kinds.patchValue({ creator: true, provider: false });
    c.save();
    const req = http.expectOne('/api/v1/vendors');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({
      slug: 'newco',
      name: 'NewCo',
      homepage: 'https://newco.example',
      kinds: ['creator'],
    });
    req.flush({ ...acme, slug: 'newco' });
    expect(closed).toEqual([{ ...acme, slug: 'newco' }]);
  });

  it('refuses a bad slug before asking the server', async () => {
    const { http } = setup(null);
    const fixture = TestBed.createComponent(VendorDialog);
    fixture.componentInstance.form.patchValue({ slug: 'Not A Slug', name: 'x' });
    fixture.componentInstance.save();
    http.expectNone('/api/v1/vendors');
    expect(fixture.componentInstance.form.controls.slug.hasError('pattern')).toBe(true);
  });

  it('edits only what changed and shows server errors on the fields', async () => {
    const { http, closed } = setup(acme);
    const fixture = TestBed.createComponent(VendorDialog);
    await fixture.whenStable();
    const c = fixture.componentInstance;
    expect(c.form.controls.slug.disabled).toBe(true);
    c.form.patchValue({ homepage: 'ftp://nope' });
    c.save();
    http.expectOne('/api/v1/vendors/acme').flush(...bad('homepage', 'homepage must be an http(s) URL'));
    fixture.detectChanges();
    await fixture.whenStable();
    expect(c.form.controls.homepage.getError('server')).toBe('Must be an http(s) URL');
    expect(fixture.nativeElement.querySelector('[data-testid="vendor-homepage-error"]')?.textContent).toContain(
      'http(s) URL',
    );
    c.form.patchValue({ homepage: 'https://acme.example', name: 'Acme' });
    c.save();
    const req = http.expectOne('/api/v1/vendors/acme');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ name: 'Acme' });
    req.flush({ ...acme, name: 'Acme' });
    expect(closed).toEqual([{ ...acme, name: 'Acme' }]);
  });
});

describe('OfferingDialog', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('adds an offering of the model at a provider', async () => {
    const { http, closed } = setup({ modelId: 'acme/rocket' });
    const fixture = TestBed.createComponent(OfferingDialog);
    fixture.detectChanges();
    http
      .expectOne('/api/v1/vendors')
      .flush({ data: [acme, { ...acme, slug: 'maker', kinds: ['creator'] }], meta: { total: 0 } });
    expect(fixture.componentInstance.providers().map((v) => v.slug)).toEqual(['acme']);
    fixture.componentInstance.form.patchValue({
      provider: 'acme',
      provider_model_id: 'rocket-v1',
      context_window: 8192,
    });
    fixture.componentInstance.save();
    const req = http.expectOne('/api/v1/offerings');
    expect(req.request.body).toEqual({
      provider: 'acme',
      provider_model_id: 'rocket-v1',
      context_window: 8192,
      model_id: 'acme/rocket',
    });
    const created: OfferingDto = {
      id: 'o1',
      provider: 'acme',
      provider_model_id: 'rocket-v1',
      context_window: 8192,
      max_output: null,
      status: 'active',
    };
    req.flush(created);
    expect(closed).toEqual([created]);
  });

  it('edits an offering and shows a conflict on the id field', async () => {
    const offering: OfferingDto = {
      id: 'o1',
      provider: 'acme',
      provider_model_id: 'rocket-v1',
      context_window: null,
      max_output: null,
      status: 'active',
    };
    const { http } = setup({ modelId: 'acme/rocket', offering });
    const fixture = TestBed.createComponent(OfferingDialog);
    fixture.detectChanges();
    http.expectOne('/api/v1/vendors').flush({ data: [acme], meta: { total: 0 } });
    fixture.componentInstance.form.patchValue({ provider_model_id: 'taken', status: 'deprecated' });
    fixture.componentInstance.save();
    const req = http.expectOne('/api/v1/offerings/o1');
    expect(req.request.body).toEqual({ provider_model_id: 'taken', status: 'deprecated' });
    req.flush(...bad('provider_model_id', 'acme already offers taken'));
    expect(fixture.componentInstance.form.controls.provider_model_id.getError('server')).toBe(
      'Acme already offers taken',
    );
    expect(fixture.componentInstance.error()).toBe('Fix the marked fields.');
  });
});

describe('VendorsPage', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  function page(role: UserDto['role'] | null, confirm = true) {
    const opened: unknown[] = [];
    const dialog = {
      open: (component: unknown, config: { data: unknown }) => {
        opened.push([component, config.data]);
        return { afterClosed: () => of(component === VendorDialog ? { ...acme, name: 'Saved' } : confirm) };
      },
    };
    const { http } = setup(null, [{ provide: MatDialog, useValue: dialog }]);
    const session = TestBed.inject(SessionStore);
    session.user.set(role ? ({ id: 'u', email: 'o@x', role } as UserDto) : null);
    const fixture = TestBed.createComponent(VendorsPage);
    fixture.detectChanges();
    http.expectOne('/api/v1/vendors').flush({ data: [acme], meta: { total: 0 } });
    fixture.detectChanges();
    return { fixture, http, opened };
  }

  it('lists vendors with links to their models and offerings, read-only for visitors', () => {
    const { fixture } = page(null);
    const el: HTMLElement = fixture.nativeElement;
    expect(el.textContent).toContain('Acme AI');
    expect(el.querySelector('a[href="/catalog?vendor=acme"]')?.textContent?.trim()).toBe('3');
    expect(el.querySelector('a[href="/catalog?provider=acme"]')?.textContent?.trim()).toBe('2');
    expect(el.querySelector('[data-testid="new-vendor"]')).toBeNull();
    expect(el.querySelector('[data-testid="edit-vendor-acme"]')).toBeNull();
  });

  it('lets operators create, edit and delete (after confirming), reloading the list', () => {
    const { fixture, http, opened } = page('operator');
    const el: HTMLElement = fixture.nativeElement;
    (el.querySelector('[data-testid="new-vendor"]') as HTMLButtonElement).click();
    expect(opened[0]).toEqual([VendorDialog, null]);
    http.expectOne('/api/v1/vendors').flush({ data: [acme], meta: { total: 0 } });
    (el.querySelector('[data-testid="edit-vendor-acme"]') as HTMLButtonElement).click();
    expect(opened[1]).toEqual([VendorDialog, acme]);
    http.expectOne('/api/v1/vendors').flush({ data: [acme], meta: { total: 0 } });
    (el.querySelector('[data-testid="delete-vendor-acme"]') as HTMLButtonElement).click();
    const del = http.expectOne('/api/v1/vendors/acme');
    expect(del.request.method).toBe('DELETE');
    del.flush(null);
    http.expectOne('/api/v1/vendors').flush({ data: [], meta: { total: 0 } });
  });

  it('does not delete when the operator cancels', () => {
    const { fixture, http } = page('operator', false);
    (fixture.nativeElement.querySelector('[data-testid="delete-vendor-acme"]') as HTMLButtonElement).click();
    http.expectNone('/api/v1/vendors/acme');
  });
});

describe('TrendingPage', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('lists models with growth, filtered by task', () => {
    const { http } = setup(null);
    const fixture = TestBed.createComponent(TrendingPage);
    fixture.detectChanges();
    http.expectOne('/api/v1/stats').flush({
      by_pipeline_tag: [{ key: 'text-generation', count: 3 }],
      by_library: [],
      by_license: [],
      by_relation: [],
      totals: {},
    });
    const rows = [
      { id: 'a/up', trending_score: 12.5, downloads: 100, likes: 10, pipeline_tag: 'text-generation' },
      { id: 'b/flat', trending_score: 0, downloads: 5, likes: 0, pipeline_tag: 'text-generation' },
    ];
    http
      .expectOne((r) => r.url === '/api/v1/trending' && r.params.get('limit') === '50')
      .flush({ data: rows, meta: { total: 0 } });
    fixture.detectChanges();
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelectorAll('tr[mat-row]')).toHaveLength(1);
    expect(el.textContent).toContain('a/up');
    expect(el.textContent).not.toContain('b/flat');
    fixture.componentInstance.select('text-generation');
    http
      .expectOne((r) => r.url === '/api/v1/trending' && r.params.get('pipeline_tag') === 'text-generation')
      .flush({ data: [], meta: { total: 0 } });
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="trending-empty"]')).not.toBeNull();
  });
});
