import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { provideRouter, Router } from '@angular/router';
import type { ApiKeyDto } from '@mph/admin-api-client';
import { of } from 'rxjs';
import { ApiKeysPage } from './api-keys-page';

const key: ApiKeyDto = {
  id: 'k1',
  name: 'ingest',
  prefix: 'abcdefghijkl',
  scopes: ['usage:write'],
  user_id: 'u1',
  created_at: '2026-01-01T00:00:00Z',
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
};

describe('ApiKeysPage', () => {
  let http: HttpTestingController;
  let dialogResults: unknown[];
  let opened: unknown[];

  beforeEach(() => {
    dialogResults = [];
    opened = [];
    TestBed.configureTestingModule({
      imports: [ApiKeysPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'keys', component: ApiKeysPage }]),
        {
          provide: MatDialog,
          useValue: {
            open: (c: unknown, cfg: unknown) => (opened.push(cfg), { afterClosed: () => of(dialogResults.shift()) }),
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  async function render(url = '/keys') {
    await TestBed.inject(Router).navigateByUrl(url);
    const fixture = TestBed.createComponent(ApiKeysPage);
    await fixture.whenStable();
    return fixture;
  }
  const list = (rows: ApiKeyDto[]) => ({ data: rows, meta: { page: 1, per_page: 20, total: rows.length } });

  it('lists keys by prefix only, never the secret', async () => {
    const fixture = await render();
    const req = http.expectOne((r) => r.url === '/api/v1/api-keys');
    expect(req.request.params.get('include_revoked')).toBe('false');
    req.flush(list([key]));
    await fixture.whenStable();
    const text = (fixture.nativeElement as HTMLElement).textContent ?? '';
    expect(text).toContain('mph_abcdefghijkl_…');
    expect(text).toContain('usage:write');
    expect(text).toContain('you');
  });

  it('shows revoked keys when asked, through the URL', async () => {
    const fixture = await render();
    http.expectOne((r) => r.url === '/api/v1/api-keys').flush(list([]));
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('No API keys yet.');
    fixture.componentInstance.toggleRevoked(true);
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/keys?include_revoked=true');
    http
      .expectOne((r) => r.url === '/api/v1/api-keys' && r.params.get('include_revoked') === 'true')
      .flush(list([{ ...key, revoked_at: '2026-02-01T00:00:00Z' }]));
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('Revoked');
  });

  it('shows a created key once', async () => {
    const fixture = await render();
    http.expectOne((r) => r.url === '/api/v1/api-keys').flush(list([]));
    dialogResults.push({ ...key, key: 'mph_abcdefghijkl_secret' }, undefined);
    fixture.componentInstance.create();
    http.expectOne((r) => r.url === '/api/v1/api-keys').flush(list([key]));
    expect(opened.at(-1)).toMatchObject({ data: { secret: 'mph_abcdefghijkl_secret' } });
  });

  it('revokes only after confirmation', async () => {
    const fixture = await render();
    http.expectOne((r) => r.url === '/api/v1/api-keys').flush(list([key]));
    dialogResults.push(undefined);
    fixture.componentInstance.revoke(key);
    http.expectNone('/api/v1/api-keys/k1');
    dialogResults.push(true);
    fixture.componentInstance.revoke(key);
    const del = http.expectOne('/api/v1/api-keys/k1');
    expect(del.request.method).toBe('DELETE');
    del.flush(null, { status: 204, statusText: 'No Content' });
    http.expectOne((r) => r.url === '/api/v1/api-keys').flush(list([]));
  });
});
