import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute, Router } from '@angular/router';
import { ChatModelDto, PromptDto } from '@mph/admin-api-client';
import { ChatLinks } from './chat-links';
import { ChatStore, PickedFile } from './chat-store';
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
 * arrives (stop button), with tokens, cost and latency on each answer. State lives in the URL (?project=&session=);
 * what is shown and the API calls are the page's ChatStore; this class holds the form fields and the template's hooks.
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
  providers: [ChatStore],
  templateUrl: './chat-page.html',
  styleUrl: './chat-page.scss',
})
export class ChatPage implements OnInit {
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  readonly store = inject(ChatStore);
  // What the template shows, from the store.
  readonly projects = this.store.projects;
  readonly prompts = this.store.prompts;
  readonly sessions = this.store.sessions;
  readonly session = this.store.session;
  readonly models = this.store.models;
  readonly projectId = this.store.projectId;
  readonly sessionId = this.store.sessionId;
  readonly editing = this.store.editing;
  readonly streamingId = this.store.streamingId;
  readonly streamed = this.store.streamed;
  readonly error = this.store.error;
  readonly project = this.store.project;
  readonly variableNames = this.store.variableNames;
  readonly latestVersion = this.store.latestVersion;
  readonly tokens = tokensLine;
  readonly cost = costLine;
  // The form fields.
  newProject = '';
  promptName = '';
  promptTemplate = '';
  model = '';
  variables: Record<string, string> = {};
  draft = '';
  /** Files picked for the next message: text files read in the browser, PDFs sent base64 for the server to read. */
  readonly files = signal<PickedFile[]>([]);

  ngOnInit(): void {
    this.store.load();
    this.route.queryParamMap.subscribe((q) =>
      this.store.select(q.get('project'), q.get('session'), (model) => {
        if (!this.model) this.model = model;
      }),
    );
  }

  open(change: { project?: string; session?: string | null }): void {
    void this.router.navigate([], { queryParams: change, queryParamsHandling: 'merge' });
  }

  html(markdown: string): string {
    return renderMarkdown(markdown);
  }

  createProject(): void {
    this.store.createProject(this.newProject.trim(), (id) => {
      this.newProject = '';
      this.open({ project: id, session: null });
    });
  }

  edit(p: PromptDto): void {
    this.editing.set(p);
    this.promptName = p.name;
    this.promptTemplate = p.latest?.template ?? '';
  }

  savePrompt(): void {
    this.store.savePrompt(this.promptName.trim(), this.promptTemplate);
  }

  useAsProjectPrompt(p: PromptDto): void {
    this.store.useAsProjectPrompt(p);
  }

  createSession(): void {
    this.store.createSession(this.model, { ...this.variables }, (id) => this.open({ session: id }));
  }

  /** Sends the draft, then follows the answer's event stream token by token. */
  send(): void {
    this.store.send(this.draft.trim(), this.files(), () => {
      this.draft = '';
      this.files.set([]);
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

  stop(): void {
    this.store.stop();
  }
}

/** A file's bytes as base64, in slices (String.fromCharCode takes a bounded argument list). */
function base64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
