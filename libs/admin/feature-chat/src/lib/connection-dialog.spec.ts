import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import type { ConnectionDto } from '@mph/admin-api-client';
import { ConnectionDialog, modelsText } from './connection-dialog';

const connection: ConnectionDto = {
  id: 'c1',
  name: 'OpenAI (team)',
  kind: 'openai-compatible',
  base_url: 'https://api.openai.com/v1',
  provider: 'openai',
  shared: true,
  owner: null,
  has_key: true,
  key_hint: '…x9Qz',
  enabled: true,
  priority: 100,
  connect_timeout_ms: 5000,
  first_token_timeout_ms: 60000,
  total_timeout_ms: 600000,
  max_retries: 2,
  breaker_failures: 5,
  breaker_cooldown_ms: 30000,
  response_cache_seconds: 0,
  models: [
    { model: 'gpt-4o-mini', upstream_model: 'gpt-4o-mini', offering_id: null },
    { model: 'o3', upstream_model: 'o3-2025-04-16', offering_id: 'off-o3' },
  ],
  breaker: { state: 'closed', consecutive_failures: 0 },
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
};

describe('ConnectionDialog', () => {
  let http: HttpTestingController;
  let closed: unknown[];
  beforeEach(() => {
    closed = [];
    TestBed.configureTestingModule({
      imports: [ConnectionDialog],
      providers: [
        provideNoopAnimations(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MAT_DIALOG_DATA, useValue: { connection } },
        { provide: MatDialogRef, useValue: { close: (v?: unknown) => closed.push(v) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('writes the served models back as the add form takes them', () => {
    expect(modelsText(connection)).toBe('gpt-4o-mini, o3=o3-2025-04-16');
  });

  it('sends only what changed: the response cache, priority, models; the key is kept unless replaced', async () => {
    const fixture = TestBed.createComponent(ConnectionDialog);
    await fixture.whenStable();
    const form = fixture.componentInstance.form;
    form.patchValue({ models: 'gpt-4o-mini,o3=o3-2025-04-16' });
    fixture.componentInstance.save();
    http.expectNone('/api/v1/connections/c1');
    expect(closed).toEqual([undefined]);

    form.patchValue({ response_cache_seconds: 300, priority: 10, models: 'gpt-4o-mini, o3=o3-2025-04-16, gpt-4.1' });
    fixture.componentInstance.save();
    const req = http.expectOne('/api/v1/connections/c1');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({
      priority: 10,
      response_cache_seconds: 300,
      // o3 stays pinned to the offering that prices it.
      models: [
        { model: 'gpt-4o-mini' },
        { model: 'o3', upstream_model: 'o3-2025-04-16', offering_id: 'off-o3' },
        { model: 'gpt-4.1' },
      ],
    });
    req.flush({ ...connection, priority: 10, response_cache_seconds: 300 });
    expect(closed[1]).toMatchObject({ response_cache_seconds: 300 });
  });

  it('checks the bounds before sending, removes the key when asked, and shows a refused URL on its field', async () => {
    const fixture = TestBed.createComponent(ConnectionDialog);
    await fixture.whenStable();
    const form = fixture.componentInstance.form;
    form.patchValue({ response_cache_seconds: 100000 });
    fixture.componentInstance.save();
    http.expectNone('/api/v1/connections/c1');
    fixture.detectChanges();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('A whole number from 0 to 86400');

    form.patchValue({
      response_cache_seconds: 0,
      remove_key: true,
      api_key: 'ignored',
      base_url: 'http://10.1.1.1/v1',
    });
    fixture.componentInstance.save();
    const req = http.expectOne('/api/v1/connections/c1');
    expect(req.request.body).toEqual({ base_url: 'http://10.1.1.1/v1', api_key: null });
    req.flush(
      {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'base_url: private',
          details: [{ field: 'base_url', problems: ['base_url: 10.1.1.1 is a private address'] }],
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    expect(form.controls.base_url.getError('server')).toBe('10.1.1.1 is a private address');
    expect(closed).toEqual([]);
  });
});
