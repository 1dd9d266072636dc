import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ProjectRow, ProjectsService } from '@mph/api-auth';
import { DomainError, execute, Principal, query, Queryable } from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';
import { LOCAL_MODEL } from '../providers/local-echo';

/** `{{name}}` placeholders of a template, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{\s*([A-Za-z_][\w.-]{0,63})\s*\}\}/g)].map((m) => m[1]))];
}

/** Fills `{{name}}` placeholders; a variable without a value is an error (a prompt must not go out half-filled). */
export function renderTemplate(template: string, values: Record<string, unknown>): string {
  const missing = templateVariables(template).filter((v) => values[v] === undefined || values[v] === null);
  if (missing.length) {
    throw DomainError.badRequest('PROMPT_VARIABLES_MISSING', `The prompt needs values for: ${missing.join(', ')}.`, [
      { field: 'variables', problems: missing.map((v) => `${v} is required`) },
    ]);
  }
  return template.replace(/\{\{\s*([A-Za-z_][\w.-]{0,63})\s*\}\}/g, (_m, name: string) => String(values[name]));
}

const notFound = (what: string) =>
  DomainError.notFound(`${what.toUpperCase().replace(/ /g, '_')}_NOT_FOUND`, `${what} not found.`);

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * Projects, prompts (versioned: editing adds a version) and chat sessions with their messages. Everything belongs to
 * a member; another member's rows answer 404 as if they did not exist.
 */
@Injectable()
export class ChatService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
  ) {}

  // --- projects (rows in the auth lib's ProjectsService; sessions counted here) ---

  async listProjects(by: Principal) {
    const rows = await this.projects.listOwned(by.userId);
    const counts = await this.sessionCounts(rows.map((r) => r.id));
    return rows.map((r) => projectDto(r, counts.get(r.id) ?? 0));
  }

  async project(by: Principal, id: string, m: EntityManager = this.dataSource.manager) {
    const row = await this.projects.getOwned(by.userId, id, m);
    if (!row) throw notFound('Project');
    return projectDto(row, (await this.sessionCounts([id], m)).get(id) ?? 0);
  }

  private async sessionCounts(projectIds: string[], db: Queryable = this.dataSource): Promise<Map<string, number>> {
    if (!projectIds.length) return new Map();
    const rows = await query<{ project_id: string; n: number }>(
      db,
      `SELECT project_id::text, count(*)::int AS n FROM chat_sessions
        WHERE project_id = ANY($1::uuid[]) AND deleted_at IS NULL GROUP BY project_id`,
      [projectIds],
    );
    return new Map(rows.map((r) => [r.project_id, r.n]));
  }

  async createProject(
    by: Principal,
    input: { name: string; description?: string; default_model?: string | null; settings?: Record<string, unknown> },
  ) {
    return this.project(by, await this.projects.create(by.userId, input));
  }

  async updateProject(
    by: Principal,
    id: string,
    input: {
      name?: string;
      description?: string;
      default_model?: string | null;
      system_prompt_id?: string | null;
      settings?: Record<string, unknown>;
    },
  ) {
    await this.project(by, id);
    if (input.system_prompt_id) await this.prompt(by, input.system_prompt_id);
    await this.projects.update(id, input);
    return this.project(by, id);
  }

  async deleteProject(by: Principal, id: string): Promise<void> {
    await this.project(by, id);
    await this.dataSource.transaction(async (m) => {
      await execute(m, `UPDATE chat_sessions SET deleted_at = now() WHERE project_id = $1 AND deleted_at IS NULL`, [
        id,
      ]);
      await this.projects.softDelete(m, id);
    });
  }

  // --- prompts ---

  async listPrompts(by: Principal, projectId?: string) {
    const rows = await query<Record<string, unknown>>(
      this.dataSource,
      `SELECT p.*, v.id AS version_id, v.version, v.template, v.variables, v.created_at AS version_created_at
         FROM prompts p
         JOIN LATERAL (SELECT * FROM prompt_versions v WHERE v.prompt_id = p.id ORDER BY v.version DESC LIMIT 1) v ON true
        WHERE p.owner_id = $1 AND p.deleted_at IS NULL AND ($2::uuid IS NULL OR p.project_id = $2)
        ORDER BY p.updated_at DESC`,
      [by.userId, projectId ?? null],
    );
    return rows.map((r: Record<string, unknown>) => ({ ...promptDto(r), latest: versionDto(r) }));
  }

  async prompt(by: Principal, id: string) {
    const [row] = await query<Record<string, unknown>>(
      this.dataSource,
      `SELECT * FROM prompts WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL`,
      [id, by.userId],
    );
    if (!row) throw notFound('Prompt');
    const versions = await query<Record<string, unknown>>(
      this.dataSource,
      `SELECT id AS version_id, version, template, variables, created_at AS version_created_at
         FROM prompt_versions WHERE prompt_id = $1 ORDER BY version DESC`,
      [id],
    );
    return { ...promptDto(row), versions: versions.map(versionDto) };
  }

  async createPrompt(by: Principal, input: { name: string; template: string; project_id?: string | null }) {
    if (input.project_id) await this.project(by, input.project_id);
    const id = await this.dataSource.transaction(async (m) => {
      const [p] = await query<{ id: string }>(
        m,
        `INSERT INTO prompts (owner_id, project_id, name) VALUES ($1, $2, $3) RETURNING id`,
        [by.userId, input.project_id ?? null, input.name.trim()],
      );
      await execute(m, `INSERT INTO prompt_versions (prompt_id, version, template, variables) VALUES ($1, 1, $2, $3)`, [
        p.id,
        input.template,
        templateVariables(input.template),
      ]);
      return p.id as string;
    });
    return this.prompt(by, id);
  }

  /** Editing a prompt adds a version; sessions keep the version they started with. */
  async addPromptVersion(by: Principal, id: string, input: { template: string; name?: string }) {
    await this.prompt(by, id);
    await this.dataSource.transaction(async (m) => {
      await execute(m, `SELECT id FROM prompts WHERE id = $1 FOR UPDATE`, [id]);
      await execute(
        m,
        `INSERT INTO prompt_versions (prompt_id, version, template, variables)
         SELECT $1, coalesce(max(version), 0) + 1, $2, $3 FROM prompt_versions WHERE prompt_id = $1`,
        [id, input.template, templateVariables(input.template)],
      );
      await execute(m, `UPDATE prompts SET updated_at = now(), name = coalesce($2, name) WHERE id = $1`, [
        id,
        input.name?.trim() ?? null,
      ]);
    });
    return this.prompt(by, id);
  }

  async deletePrompt(by: Principal, id: string): Promise<void> {
    await this.prompt(by, id);
    await this.dataSource.transaction(async (m) => {
      await this.projects.clearSystemPrompt(m, id);
      await execute(m, `UPDATE prompts SET deleted_at = now() WHERE id = $1`, [id]);
    });
  }

  // --- sessions ---

  async listSessions(by: Principal, projectId: string) {
    await this.project(by, projectId);
    const rows = await query<Record<string, unknown>>(
      this.dataSource,
      `SELECT s.*, (SELECT count(*)::int FROM chat_messages m WHERE m.session_id = s.id) AS messages,
              (SELECT sum(m.cost)::text FROM chat_messages m WHERE m.session_id = s.id) AS cost
         FROM chat_sessions s WHERE s.project_id = $1 AND s.owner_id = $2 AND s.deleted_at IS NULL
        ORDER BY s.updated_at DESC LIMIT 500`,
      [projectId, by.userId],
    );
    return rows.map(sessionDto);
  }

  async createSession(
    by: Principal,
    input: {
      project_id: string;
      model?: string;
      title?: string;
      prompt_version_id?: string | null;
      variables?: Record<string, unknown>;
      params?: Record<string, unknown>;
    },
  ) {
    const project = await this.project(by, input.project_id);
    let promptVersionId = input.prompt_version_id ?? null;
    if (promptVersionId) {
      const [v] = await query<{ id: string }>(
        this.dataSource,
        `SELECT v.id FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id
          WHERE v.id = $1 AND p.owner_id = $2 AND p.deleted_at IS NULL`,
        [promptVersionId, by.userId],
      );
      if (!v) throw notFound('Prompt version');
    } else if (project.system_prompt_id) {
      // The project's system prompt, at its latest version when the session starts.
      const [v] = await query<{ id: string }>(
        this.dataSource,
        `SELECT id FROM prompt_versions WHERE prompt_id = $1 ORDER BY version DESC LIMIT 1`,
        [project.system_prompt_id],
      );
      promptVersionId = v?.id ?? null;
    }
    const [row] = await query<{ id: string }>(
      this.dataSource,
      `INSERT INTO chat_sessions (owner_id, project_id, title, model, params, prompt_version_id, variables)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        by.userId,
        input.project_id,
        input.title?.trim() ?? '',
        input.model ?? project.default_model ?? LOCAL_MODEL,
        input.params ?? {},
        promptVersionId,
        input.variables ?? {},
      ],
    );
    await this.projects.touch(input.project_id);
    return this.session(by, row.id);
  }

  async session(by: Principal, id: string) {
    const [row] = await query<Record<string, unknown>>(
      this.dataSource,
      `SELECT s.*, (SELECT count(*)::int FROM chat_messages m WHERE m.session_id = s.id) AS messages,
              (SELECT sum(m.cost)::text FROM chat_messages m WHERE m.session_id = s.id) AS cost
         FROM chat_sessions s WHERE s.id = $1 AND s.owner_id = $2 AND s.deleted_at IS NULL`,
      [id, by.userId],
    );
    if (!row) throw notFound('Session');
    const messages = await query<Record<string, unknown>>(
      this.dataSource,
      `SELECT * FROM chat_messages WHERE session_id = $1 ORDER BY id`,
      [id],
    );
    return { ...sessionDto(row), items: messages.map(messageDto) };
  }

  async updateSession(
    by: Principal,
    id: string,
    input: { title?: string; model?: string; params?: Record<string, unknown>; variables?: Record<string, unknown> },
  ) {
    await this.session(by, id);
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [k, v] of Object.entries(input)) {
      if (v === undefined) continue;
      params.push(k === 'title' ? String(v).trim() : v);
      sets.push(`${k} = $${params.length}`);
    }
    if (sets.length) {
      await execute(
        this.dataSource,
        `UPDATE chat_sessions SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`,
        params,
      );
    }
    return this.session(by, id);
  }

  async deleteSession(by: Principal, id: string): Promise<void> {
    await this.session(by, id);
    await execute(this.dataSource, `UPDATE chat_sessions SET deleted_at = now() WHERE id = $1`, [id]);
  }
}

function projectDto(r: ProjectRow, sessions: number) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    default_model: r.default_model ?? null,
    system_prompt_id: r.system_prompt_id ?? null,
    settings: r.settings ?? {},
    sessions,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

function promptDto(r: Record<string, unknown>) {
  return {
    id: r['id'] as string,
    name: r['name'] as string,
    project_id: (r['project_id'] as string | null) ?? null,
    created_at: iso(r['created_at'] as Date),
    updated_at: iso(r['updated_at'] as Date),
  };
}

function versionDto(r: Record<string, unknown>) {
  return {
    id: r['version_id'] as string,
    version: r['version'] as number,
    template: r['template'] as string,
    variables: r['variables'] as string[],
    created_at: iso(r['version_created_at'] as Date),
  };
}

function sessionDto(r: Record<string, unknown>) {
  return {
    id: r['id'] as string,
    project_id: r['project_id'] as string,
    title: r['title'] as string,
    model: r['model'] as string,
    params: (r['params'] as Record<string, unknown>) ?? {},
    prompt_version_id: (r['prompt_version_id'] as string | null) ?? null,
    variables: (r['variables'] as Record<string, unknown>) ?? {},
    messages: (r['messages'] as number) ?? 0,
    cost: r['cost'] === null || r['cost'] === undefined ? null : String(r['cost']),
    created_at: iso(r['created_at'] as Date),
    updated_at: iso(r['updated_at'] as Date),
  };
}

export function messageDto(r: Record<string, unknown>) {
  return {
    id: String(r['id']),
    role: r['role'] as string,
    content: r['content'] as string,
    // The files' names, types and sizes; their text went to the model and stays stored, not echoed back.
    attachments: (
      (r['attachments'] as { name: string; media_type: string; bytes: number; pages?: number }[]) ?? []
    ).map((a) => ({ name: a.name, media_type: a.media_type, bytes: a.bytes, ...(a.pages ? { pages: a.pages } : {}) })),
    model: (r['model'] as string | null) ?? null,
    provider: (r['provider'] as string | null) ?? null,
    usage: (r['usage'] as Record<string, number> | null) ?? null,
    cost: r['cost'] === null || r['cost'] === undefined ? null : String(r['cost']),
    currency: r['currency'] ? String(r['currency']).trim() : null,
    latency_ms: (r['latency_ms'] as number | null) ?? null,
    ttft_ms: (r['ttft_ms'] as number | null) ?? null,
    transaction_id: (r['transaction_id'] as string | null) ?? null,
    status: r['status'] as string,
    error: (r['error'] as string | null) ?? null,
    created_at: iso(r['created_at'] as Date),
  };
}
