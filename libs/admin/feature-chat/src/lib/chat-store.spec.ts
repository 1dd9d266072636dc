import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ChatStore } from './chat-store';

const list = <T>(data: T[]) => ({ data, meta: { total: data.length } });
const prompt = (id: string, variables: string[]) => ({
  id,
  name: id,
  project_id: 'p1',
  created_at: '2026-12-01T00:00:00.000Z',
  latest: { version: 2, template: 't', variables, created_at: '2026-12-01T00:00:00.000Z' },
});

describe('ChatStore (the chat page state)', () => {
  let http: HttpTestingController;
  let store: ChatStore;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), ChatStore] });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(ChatStore);
  });
  afterEach(() => http.verify());

  it('reads what the URL names: the project with its prompts, sessions and default model, then the session', () => {
    store.load();
    http.expectOne('/api/v1/projects').flush(list([{ id: 'p1', name: 'P', system_prompt_id: 'pr1', sessions: 0 }]));
    http.expectOne('/api/v1/chat/models').flush(list([{ model: 'local/echo', via: 'Local echo', price: null }]));
    let model = '';
    store.select('p1', 's1', (m) => (model = m));
    http.expectOne((r) => r.url === '/api/v1/prompts').flush(list([prompt('pr1', ['team']), prompt('pr2', [])]));
    http.expectOne('/api/v1/projects/p1/sessions').flush(list([{ id: 's1', title: 'First' }]));
    http.expectOne('/api/v1/projects/p1').flush({ id: 'p1', default_model: 'gpt-4o-mini' });
    http.expectOne('/api/v1/sessions/s1').flush({ id: 's1', items: [] });
    expect(model).toBe('gpt-4o-mini');
    expect(store.project()?.name).toBe('P');
    // The project's system prompt asks for these when a session starts.
    expect(store.variableNames()).toEqual(['team']);
    expect(store.sessions().map((s) => s.id)).toEqual(['s1']);
    expect(store.session()?.id).toBe('s1');
    expect(store.models().map((m) => m.model)).toEqual(['local/echo']);

    // The same project again (only the session changed): nothing is re-read but the session.
    store.select('p1', null);
    expect(store.session()).toBeNull();
  });

  it('shows why a message was not sent, and sends nothing without a session or text', () => {
    store.send('hello', [], () => undefined);
    http.expectNone((r) => r.url.endsWith('/messages'));
    store.session.set({ id: 's1', items: [] } as never);
    store.send('', [], () => undefined);
    http.expectNone((r) => r.url.endsWith('/messages'));
    let sent = false;
    store.send('hello', [], () => (sent = true));
    http
      .expectOne('/api/v1/sessions/s1/messages')
      .flush(
        { error: { code: 'MODEL_NOT_FOUND', message: 'No such model.' } },
        { status: 404, statusText: 'Not Found' },
      );
    expect(sent).toBe(false);
    expect(store.error()).toBe('No such model.');
  });
});
