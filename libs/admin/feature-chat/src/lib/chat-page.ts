import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute, Router } from '@angular/router';
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
import { ChatLinks } from './chat-links';
import { renderMarkdown } from './markdown';
import { ProjectMembersPanel } from './project-members-panel';

/** Tokens of a message as "1,234 in · 56 out". */
export function tokensLine(usage: Record<string, number> | null | undefined): string {
  if (!usage) return '';
  const f = (n: number | undefined) => (n ?? 0).toLocaleString('en-US');
  return `${f(usage['input_tokens'])} in · ${f(usage['output_tokens'])} out`;
}

/** A cost for people: enough digits for sub-cent amounts, the full value in the title. */
export function costLine(cost: string | null, currency: string | null): string {
  if (cost === null) return 'cost unknown';
  const n = Number(cost);
  const shown = n === 0 ? '0' : n < 0.01 ? n.toPrecision(3) : n.toFixed(4);
  return `${shown} ${currency ?? 'USD'}`;
}

/**
 * The playground: projects (with their versioned prompts), sessions, and a conversation that streams the answer as it
 * arrives (stop button), with tokens, cost and latency on each answer. State lives in the URL (?project=&session=).
 */
@Component({
  selector: 'mph-chat-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ChatLinks,
    ProjectMembersPanel,
  ],
  template: `
    <mph-chat-links />
    <header class="page-header"><h1>Chat</h1></header>
    <div class="chat">
      <section class="column" aria-label="Projects">
        <h2>Projects</h2>
        <ul class="list" data-testid="projects">
          @for (p of projects(); track p.id) {
            <li>
              <button
                type="button"
                class="item"
                [class.active]="p.id === projectId()"
                (click)="open({ project: p.id, session: null })"
              >
                {{ p.name }} <span class="sub">{{ p.sessions }} sessions</span>
              </button>
            </li>
          } @empty {
            <li class="sub">No projects yet.</li>
          }
        </ul>
        <form class="stack" (ngSubmit)="createProject()">
          <mat-form-field appearance="outline">
            <mat-label>New project</mat-label>
            <input matInput name="projectName" [(ngModel)]="newProject" data-testid="new-project-name" />
          </mat-form-field>
          <button mat-stroked-button type="submit" [disabled]="!newProject.trim()" data-testid="create-project">
            Create
          </button>
        </form>
        @if (project(); as p) {
          <h2>Prompts</h2>
          <ul class="list" data-testid="prompts">
            @for (pr of prompts(); track pr.id) {
              <li>
                <button type="button" class="item" [class.active]="pr.id === editing()?.id" (click)="edit(pr)">
                  {{ pr.name }}
                  <span class="sub"
                    >v{{ pr.latest?.version }}{{ pr.id === p.system_prompt_id ? ' · project prompt' : '' }}</span
                  >
                </button>
              </li>
            }
          </ul>
          <form class="stack" (ngSubmit)="savePrompt()">
            <mat-form-field appearance="outline">
              <mat-label>Prompt name</mat-label>
              <input matInput name="promptName" [(ngModel)]="promptName" data-testid="prompt-name" />
            </mat-form-field>
            <mat-form-field appearance="outline">
              <mat-label>System prompt ({{ '{{' }}variables{{ '}}' }} allowed)</mat-label>
              <textarea
                matInput
                rows="4"
                name="promptTemplate"
                [(ngModel)]="promptTemplate"
                data-testid="prompt-template"
              ></textarea>
            </mat-form-field>
            <div class="row">
              <button
                mat-stroked-button
                type="submit"
                [disabled]="!promptTemplate.trim() || !promptName.trim()"
                data-testid="save-prompt"
              >
                {{ editing() ? 'Save as v' + (latestVersion() + 1) : 'Add prompt' }}
              </button>
              @if (editing(); as e) {
                <button mat-button type="button" (click)="useAsProjectPrompt(e)" data-testid="use-prompt">
                  Use for new sessions
                </button>
              }
            </div>
          </form>
          <mph-project-members [projectId]="p.id" />
        }
      </section>

      <section class="column" aria-label="Sessions">
        <h2>Sessions</h2>
        @if (project()) {
          <form class="stack" (ngSubmit)="createSession()">
            <mat-form-field appearance="outline">
              <mat-label>Model</mat-label>
              <mat-select name="model" [(ngModel)]="model" data-testid="session-model">
                @for (m of models(); track m.model) {
                  <mat-option [value]="m.model" [attr.data-testid]="'model-option-' + m.model"
                    >{{ m.model }} <span class="sub">· {{ m.via }} · {{ priceLabel(m) }}</span></mat-option
                  >
                }
              </mat-select>
            </mat-form-field>
            @for (v of variableNames(); track v) {
              <mat-form-field appearance="outline">
                <mat-label>{{ v }}</mat-label>
                <input matInput [name]="'var-' + v" [(ngModel)]="variables[v]" [attr.data-testid]="'variable-' + v" />
              </mat-form-field>
            }
            <button mat-flat-button type="submit" [disabled]="!model" data-testid="new-session">New session</button>
          </form>
          <ul class="list" data-testid="sessions">
            @for (s of sessions(); track s.id) {
              <li>
                <button
                  type="button"
                  class="item"
                  [class.active]="s.id === sessionId()"
                  (click)="open({ session: s.id })"
                >
                  {{ s.title || 'New session' }} <span class="sub">{{ s.model }} · {{ s.messages }} messages</span>
                </button>
              </li>
            }
          </ul>
        } @else {
          <p class="sub">Pick or create a project.</p>
        }
      </section>

      <section class="column conversation" aria-label="Conversation">
        @if (session(); as s) {
          <h2>
            {{ s.title || 'New session' }} <span class="sub">{{ s.model }}</span>
          </h2>
          <div class="messages" data-testid="messages" aria-live="polite">
            @for (m of s.items; track m.id) {
              <article class="message" [class.user]="m.role === 'user'" [attr.data-testid]="'message-' + m.role">
                @if (m.role === 'assistant') {
                  <div class="markdown" [innerHTML]="html(m.id === streamingId() ? streamed() : m.content)"></div>
                  @if (m.id === streamingId()) {
                    <div class="meta">streaming…</div>
                  } @else {
                    <div class="meta" data-testid="message-meta" [title]="m.cost ?? ''">
                      {{ tokens(m.usage) }} · {{ cost(m.cost, m.currency)
                      }}{{ m.latency_ms !== null ? ' · ' + m.latency_ms + ' ms' : '' }}
                      {{ m.status !== 'complete' ? ' · ' + m.status : '' }}{{ m.error ? ': ' + m.error : '' }}
                    </div>
                  }
                } @else {
                  <div class="plain">{{ m.content }}</div>
                  @for (f of m.attachments; track $index) {
                    <div class="meta">
                      📎 {{ $any(f).name
                      }}{{ $any(f).pages ? ' · ' + $any(f).pages + ($any(f).pages === 1 ? ' page' : ' pages') : '' }}
                    </div>
                  }
                }
              </article>
            } @empty {
              <p class="sub">Say something to start.</p>
            }
          </div>
          @if (files().length) {
            <div class="files" data-testid="attached-files">
              @for (f of files(); track f.name) {
                <span class="file"
                  >{{ f.name }}
                  <button type="button" class="remove" (click)="detach(f.name)" [attr.aria-label]="'Remove ' + f.name">
                    ×
                  </button></span
                >
              }
            </div>
          }
          <form class="composer" (ngSubmit)="send()">
            <input
              #picker
              type="file"
              multiple
              hidden
              accept=".txt,.md,.csv,.json,.pdf"
              (change)="attach(picker)"
              data-testid="file-input"
            />
            <button mat-button type="button" (click)="picker.click()" aria-label="Attach files">Attach</button>
            <mat-form-field appearance="outline" class="grow">
              <mat-label>Message</mat-label>
              <textarea
                matInput
                rows="2"
                name="draft"
                [(ngModel)]="draft"
                (keydown.enter)="$event.preventDefault(); send()"
                data-testid="draft"
              ></textarea>
            </mat-form-field>
            @if (streamingId()) {
              <button mat-stroked-button type="button" (click)="stop()" data-testid="stop">Stop</button>
            } @else {
              <button mat-flat-button type="submit" [disabled]="!draft.trim()" data-testid="send">Send</button>
            }
          </form>
          @if (error(); as e) {
            <p class="error" role="alert">{{ e }}</p>
          }
        } @else {
          <p class="sub">Open a session, or start a new one.</p>
        }
      </section>
    </div>
  `,
  styles: `
    .chat {
      display: grid;
      grid-template-columns: minmax(200px, 260px) minmax(200px, 280px) 1fr;
      gap: 16px;
      align-items: start;
    }
    @media (max-width: 960px) {
      .chat {
        grid-template-columns: 1fr;
      }
    }
    .column {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 12px;
      padding: 8px 12px;
      min-width: 0;
    }
    h2 {
      font: var(--mat-sys-title-small);
      margin: 8px 0;
    }
    .list {
      list-style: none;
      padding: 0;
      margin: 0 0 8px;
    }
    .item {
      display: block;
      width: 100%;
      text-align: left;
      border: 0;
      background: none;
      color: inherit;
      font: var(--mat-sys-body-medium);
      padding: 6px 8px;
      border-radius: 8px;
      cursor: pointer;
    }
    .item.active,
    .item:hover {
      background: var(--mat-sys-secondary-container);
    }
    .sub {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
    .stack {
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .row {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
    }
    .messages {
      display: flex;
      flex-direction: column;
      gap: 8px;
      max-height: 60vh;
      overflow: auto;
    }
    .message {
      padding: 8px 12px;
      border-radius: 12px;
      background: var(--mat-sys-surface-container);
      max-width: 90%;
    }
    .message.user {
      align-self: flex-end;
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    .plain {
      white-space: pre-wrap;
    }
    .meta {
      margin-top: 4px;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
    .markdown :is(pre) {
      overflow: auto;
      padding: 8px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-highest);
    }
    .composer {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-top: 8px;
    }
    .grow {
      flex: 1;
    }
    .error {
      color: var(--mat-sys-error);
    }
    .files {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
      margin-top: 8px;
    }
    .file {
      padding: 2px 8px;
      border-radius: 8px;
      background: var(--mat-sys-secondary-container);
      font: var(--mat-sys-body-small);
    }
    .remove {
      border: 0;
      background: none;
      cursor: pointer;
      color: inherit;
    }
  `,
})
export class ChatPage implements OnInit {
  private readonly api = inject(ChatService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
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
  readonly tokens = tokensLine;
  readonly cost = costLine;
  newProject = '';
  promptName = '';
  promptTemplate = '';
  model = '';
  variables: Record<string, string> = {};
  draft = '';
  /** Files picked for the next message: text files read in the browser, PDFs sent base64 for the server to read. */
  readonly files = signal<{ name: string; media_type: string; text?: string; data?: string }[]>([]);
  private events?: EventSource;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.events?.close());
  }

  ngOnInit(): void {
    this.loadProjects();
    this.api.listChatModels().subscribe(({ data }) => this.models.set(data));
    this.route.queryParamMap.subscribe((q) => {
      const project = q.get('project');
      const session = q.get('session');
      if (project !== this.projectId()) {
        this.projectId.set(project);
        this.editing.set(null);
        if (project) this.loadProject(project);
      }
      this.sessionId.set(session);
      if (session) this.loadSession(session);
      else this.session.set(null);
    });
  }

  open(change: { project?: string; session?: string | null }): void {
    void this.router.navigate([], { queryParams: change, queryParamsHandling: 'merge' });
  }

  html(markdown: string): string {
    return renderMarkdown(markdown);
  }

  createProject(): void {
    this.api.createProject({ body: { name: this.newProject.trim() } }).subscribe((p) => {
      this.newProject = '';
      this.loadProjects();
      this.open({ project: p.id, session: null });
    });
  }

  edit(p: PromptDto): void {
    this.editing.set(p);
    this.promptName = p.name;
    this.promptTemplate = p.latest?.template ?? '';
  }

  savePrompt(): void {
    const project = this.projectId();
    const editing = this.editing();
    const done = (p: PromptDto) => {
      this.editing.set(p);
      if (project) this.loadProject(project);
    };
    if (editing) {
      this.api
        .addPromptVersion({ id: editing.id, body: { template: this.promptTemplate, name: this.promptName.trim() } })
        .subscribe(done);
    } else {
      this.api
        .createPrompt({ body: { name: this.promptName.trim(), template: this.promptTemplate, project_id: project } })
        .subscribe(done);
    }
  }

  useAsProjectPrompt(p: PromptDto): void {
    const project = this.projectId();
    if (!project) return;
    this.api.updateProject({ id: project, body: { system_prompt_id: p.id } }).subscribe(() => this.loadProjects());
  }

  createSession(): void {
    const project = this.projectId();
    if (!project) return;
    this.api
      .createSession({ body: { project_id: project, model: this.model, variables: { ...this.variables } } })
      .subscribe((s) => {
        this.loadSessions(project);
        this.loadProjects();
        this.open({ session: s.id });
      });
  }

  /** Sends the draft, then follows the answer's event stream token by token. */
  send(): void {
    const s = this.session();
    const content = this.draft.trim();
    if (!s || !content || this.streamingId()) return;
    this.error.set(null);
    // Its failure shows under the composer (not also as a snack bar).
    const attachments = this.files();
    this.api
      .sendChatMessage({ id: s.id, body: { content, ...(attachments.length ? { attachments } : {}) } }, silentErrors())
      .subscribe({
        next: (sent) => {
          this.draft = '';
          this.files.set([]);
          this.session.set({ ...s, items: [...s.items, sent.user_message, sent.assistant_message] });
          this.follow(s.id, sent.assistant_message, sent.stream_url);
        },
        error: (e: HttpErrorResponse) => this.error.set(e.error?.error?.message ?? 'The message could not be sent.'),
      });
  }

  async attach(input: HTMLInputElement): Promise<void> {
    const picked = Array.from(input.files ?? []);
    const read = await Promise.all(
      picked.map(async (f) =>
        f.type === 'application/pdf' || /\.pdf$/i.test(f.name)
          ? { name: f.name, media_type: 'application/pdf', data: base64(await f.arrayBuffer()) }
          : { name: f.name, media_type: f.type, text: await f.text() },
      ),
    );
    this.files.update((list) => [...list.filter((x) => !read.some((r) => r.name === x.name)), ...read]);
    input.value = '';
  }

  /** "$0.15 in / $0.60 out per 1M", "free", or "price unknown" (never shown as free). */
  priceLabel(m: ChatModelDto): string {
    if (!m.price) return 'price unknown';
    const { currency, input_per_mtok: input, output_per_mtok: output } = m.price;
    if (Number(input) === 0 && Number(output) === 0) return 'free';
    const money = (v: string) => (currency === 'USD' ? `$${v}` : `${v} ${currency}`);
    return `${money(input)} in / ${money(output)} out per 1M`;
  }

  detach(name: string): void {
    this.files.update((list) => list.filter((f) => f.name !== name));
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

  private loadProject(id: string): void {
    this.api.listPrompts({ project_id: id }).subscribe(({ data }) => this.prompts.set(data));
    this.loadSessions(id);
    this.api.getProject({ id }).subscribe((p) => {
      if (!this.model) this.model = p.default_model ?? 'local/echo';
    });
  }

  private loadSessions(project: string): void {
    this.api.listSessions({ id: project }).subscribe(({ data }) => this.sessions.set(data));
  }

  private loadSession(id: string): void {
    this.api.getSession({ id }).subscribe((s) => this.session.set(s));
  }
}

/** A file's bytes as base64, in slices (String.fromCharCode takes a bounded argument list). */
function base64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
