import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { AuditPage } from './audit-page';

describe('AuditPage', () => {
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [AuditPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'audit', component: AuditPage }]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('lists events with their change, filters by action through the URL, and pages', async () => {
    await TestBed.inject(Router).navigateByUrl('/audit');
    const fixture = TestBed.createComponent(AuditPage);
    await fixture.whenStable();
    http
      .expectOne((r) => r.url === '/api/v1/audit')
      .flush({
        data: [
          {
            id: 'e1',
            occurred_at: '2026-11-22T06:00:00Z',
            actor_id: 'u1',
            actor_label: 'ada@example.com',
            action: 'user.updated',
            target_type: 'user',
            target_id: 'u2',
            target_label: 'bo@example.com',
            before: { role: 'member' },
            after: { role: 'operator' },
            request_id: 'r1',
            ip: '127.0.0.1',
          },
        ],
        meta: { page: 1, per_page: 20, total: 1 },
      });
    await fixture.whenStable();
    const text = (fixture.nativeElement as HTMLElement).textContent ?? '';
    expect(text).toContain('user.updated');
    expect(text).toContain('"role": "operator"');
    // The target reads as who it is, its id beside.
    expect(text).toContain('bo@example.com');
    fixture.componentInstance.filter('action', 'auth.login_failed');
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/audit?action=auth.login_failed');
    http
      .expectOne((r) => r.url === '/api/v1/audit' && r.params.get('action') === 'auth.login_failed')
      .flush({ data: [], meta: { page: 1, per_page: 20, total: 0 } });
    fixture.componentInstance.filter('action', 'auth.login_failed');
    fixture.componentInstance.paginate({ pageIndex: 1, pageSize: 50, length: 100 });
    await fixture.whenStable();
    http
      .expectOne((r) => r.url === '/api/v1/audit' && r.params.get('page') === '2' && r.params.get('per_page') === '50')
      .flush({ data: [], meta: { page: 2, per_page: 50, total: 0 } });
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('No events match.');
  });
});
