import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ProjectMemberDto } from '@mph/admin-api-client';
import { ProjectMembersPanel } from './project-members-panel';

const owner: ProjectMemberDto = {
  user_id: 'u1',
  email: 'owner@example.com',
  role: 'owner',
  added_at: '2026-12-01T00:00:00.000Z',
};
const bob: ProjectMemberDto = {
  user_id: 'u2',
  email: 'bob@example.com',
  role: 'member',
  added_at: '2026-12-02T00:00:00.000Z',
};

describe('ProjectMembersPanel', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('lists the owner and members, adds one by email, removes one, and says why a change failed', async () => {
    const fixture = TestBed.createComponent(ProjectMembersPanel);
    fixture.componentRef.setInput('projectId', 'p1');
    fixture.detectChanges();
    http.expectOne('/api/v1/projects/p1/members').flush({ data: [owner], meta: { total: 1 } });
    await fixture.whenStable();
    const panel = fixture.componentInstance;
    expect(panel.members().map((m) => m.email)).toEqual(['owner@example.com']);

    panel.email = ' bob@example.com ';
    panel.add();
    const add = http.expectOne('/api/v1/projects/p1/members');
    expect([add.request.method, add.request.body]).toEqual(['POST', { email: 'bob@example.com' }]);
    add.flush([owner, bob]);
    fixture.detectChanges();
    expect(panel.email).toBe('');
    const text = (fixture.nativeElement as HTMLElement).textContent ?? '';
    expect(text).toContain('bob@example.com');
    // Only members have a remove button: the owner cannot be removed.
    expect((fixture.nativeElement as HTMLElement).querySelectorAll('button[aria-label^="Remove"]')).toHaveLength(1);

    panel.remove(bob);
    const del = http.expectOne('/api/v1/projects/p1/members/u2');
    expect(del.request.method).toBe('DELETE');
    del.flush(null, { status: 204, statusText: 'No Content' });
    expect(panel.members().map((m) => m.email)).toEqual(['owner@example.com']);

    panel.email = 'nobody@example.com';
    panel.add();
    http
      .expectOne('/api/v1/projects/p1/members')
      .flush(
        { error: { code: 'USER_NOT_FOUND', message: 'No active user with the email nobody@example.com.' } },
        { status: 404, statusText: 'Not Found' },
      );
    fixture.detectChanges();
    expect(panel.error()).toBe('No active user with the email nobody@example.com.');
    expect((fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')?.textContent).toContain('nobody');
  });
});
