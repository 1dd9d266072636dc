import { HttpErrorResponse } from '@angular/common/http';
import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import {
  ChatMessageDto,
  ChatModelDto,
  ChatService,
  ProjectDto,
  PromptDto,
  SessionDetailDto,
  SessionDto,
} from '@mph/admin-api-client';
import { silentErrors } from '@mph/admin-ui';

/** A file picked for the next message: text read in the browser, or a PDF sent base64 for the server to read. */
export interface PickedFile {
  name: string;
  media_type: string;
  text?: string;
  data?: string;
}

/**
 * The playground's state and its API calls, one instance per chat page: projects with their prompts and sessions, the
 * open session, the models a member can use, and the answer streaming in. The page holds only the form fields and the
 * template; everything it shows is a signal here.
 */
@Injectable()
export class ChatStore {
  private readonly api = inject(ChatService);
  readonly projects = signal<ProjectDto[]>([]);
  readonly prompts = signal<PromptDto[]>([]);
  readonly sessions = signal<SessionDto[]>([]);
  readonly session = signal<SessionDetailDto | null>(null);
  readonly models = signal<ChatModelDto[]>([]);
  readonly projectId = signal<string | null>(null);
  readonly sessionId = signal<string | null>(null);
  readonly editing = signal<PromptDto | null>(null);
  readonly streamingId = signal<string | null>(null);
  readonly streamed = signal('');
  readonly error = signal<string | null>(null);
  readonly project = computed(() => this.projects().find((p) => p.id === this.projectId()) ?? null);
  /** The variables the project's prompt needs, asked for when a session starts. */
  readonly variableNames = computed(() => {
    const p = this.project();
    return this.prompts().find((x) => x.id === p?.system_prompt_id)?.latest?.variables ?? [];
  });
  /** The newest version of the prompt being edited (lists carry `latest`, single reads carry `versions`). */
  readonly latestVersion = computed(() => {
    const e = this.editing();
    return e?.versions?.[0]?.version ?? e?.latest?.version ?? 0;
  });
  private events?: EventSource;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.events?.close());
  }

  load(): void {
    this.loadProjects();
    this.api.listChatModels().subscribe(({ data }) => this.models.set(data));
  }

  /**
   * The URL's ?project=&session= changed: read what they name. `defaultModel` hears the opened project's default
   * model (the page's model picker starts there).
   */
  select(
    project: string | null,
    session: string | null,
    defaultModel: (model: string) => void = () => undefined,
  ): void {
    if (project !== this.projectId()) {
      this.projectId.set(project);
      this.editing.set(null);
      if (project) this.loadProject(project, defaultModel);
    }
    this.sessionId.set(session);
    if (session) this.loadSession(session);
    else this.session.set(null);
  }

  createProject(name: string, opened: (id: string) => void): void {
    this.api.createProject({ body: { name } }).subscribe((p) => {
      this.loadProjects();
      opened(p.id);
    });
  }

  savePrompt(name: string, template: string): void {
    const project = this.projectId();
    const editing = this.editing();
    const done = (p: PromptDto) => {
      this.editing.set(p);
      if (project) this.loadProject(project);
    };
    if (editing) {
      this.api.addPromptVersion({ id: editing.id, body: { template, name } }).subscribe(done);
    } else {
      this.api.createPrompt({ body: { name, template, project_id: project } }).subscribe(done);
    }
  }

  useAsProjectPrompt(p: PromptDto): void {
    const project = this.projectId();
    if (!project) return;
    this.api.updateProject({ id: project, body: { system_prompt_id: p.id } }).subscribe(() => this.loadProjects());
  }

  createSession(model: string, variables: Record<string, string>, opened: (id: string) => void): void {
    const project = this.projectId();
    if (!project) return;
    this.api.createSession({ body: { project_id: project, model, variables } }).subscribe((s) => {
      this.loadSessions(project);
      this.loadProjects();
      opened(s.id);
    });
  }

  /** Sends a message, then follows the answer's event stream token by token; `sent` runs once it is accepted. */
  send(content: string, attachments: PickedFile[], sent: () => void): void {
    const s = this.session();
    if (!s || !content || this.streamingId()) return;
    this.error.set(null);
    // Its failure shows under the composer (not also as a snack bar).
    this.api
      .sendChatMessage({ id: s.id, body: { content, ...(attachments.length ? { attachments } : {}) } }, silentErrors())
      .subscribe({
        next: (r) => {
          sent();
          this.session.set({ ...s, items: [...s.items, r.user_message, r.assistant_message] });
          this.follow(s.id, r.assistant_message, r.stream_url);
        },
        error: (e: HttpErrorResponse) => this.error.set(e.error?.error?.message ?? 'The message could not be sent.'),
      });
  }

  /** Closing the stream stops the answer: the server aborts the model call and keeps what was said. */
  stop(): void {
    const s = this.session();
    this.events?.close();
    this.events = undefined;
    this.streamingId.set(null);
    // The server saves the partial answer as it notices the disconnect; read it back.
    if (s) setTimeout(() => this.loadSession(s.id), 300);
  }

  private follow(sessionId: string, answer: ChatMessageDto, url: string): void {
    this.streamingId.set(answer.id);
    this.streamed.set('');
    const source = new EventSource(url);
    this.events = source;
    source.addEventListener('token', ((e: MessageEvent<string>) => {
      this.streamed.update((t) => t + (JSON.parse(e.data) as { text: string }).text);
    }) as EventListener);
    const finish = (message: ChatMessageDto | null) => {
      source.close();
      this.events = undefined;
      this.streamingId.set(null);
      const current = this.session();
      if (message && current?.id === sessionId) {
        this.session.set({ ...current, items: current.items.map((m) => (m.id === message.id ? message : m)) });
      }
      // Read back the session too: its title comes from the first message.
      if (this.session()?.id === sessionId) this.loadSession(sessionId);
      const project = this.projectId();
      if (project) this.loadSessions(project);
    };
    source.addEventListener('done', ((e: MessageEvent<string>) => finish(JSON.parse(e.data))) as EventListener);
    // Our `error` events carry the saved message; the browser's own (connection lost) carry nothing.
    source.addEventListener('error', ((e: MessageEvent<string>) => {
      if (e.data) {
        const message = JSON.parse(e.data) as ChatMessageDto;
        this.error.set(message.error);
        finish(message);
      } else {
        finish(null);
      }
    }) as EventListener);
  }

  private loadProjects(): void {
    this.api.listProjects().subscribe(({ data }) => this.projects.set(data));
  }

  private loadProject(id: string, defaultModel: (model: string) => void = () => undefined): void {
    this.api.listPrompts({ project_id: id }).subscribe(({ data }) => this.prompts.set(data));
    this.loadSessions(id);
    this.api.getProject({ id }).subscribe((p) => defaultModel(p.default_model ?? 'local/echo'));
  }

  private loadSessions(project: string): void {
    this.api.listSessions({ id: project }).subscribe(({ data }) => this.sessions.set(data));
  }

  private loadSession(id: string): void {
    this.api.getSession({ id }).subscribe((s) => this.session.set(s));
  }
}
