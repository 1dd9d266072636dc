import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataChanges, DomainError, execute, query, Queryable } from '@mph/api-core';
import { DataSource } from 'typeorm';

/** A project row: the unit usage, budgets, limits and members hang on; chat keeps its sessions in it. */
export interface ProjectRow {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  default_model: string | null;
  system_prompt_id: string | null;
  settings: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface ProjectChanges {
  name?: string;
  description?: string;
  default_model?: string | null;
  system_prompt_id?: string | null;
  settings?: Record<string, unknown>;
}

const COLUMNS = `id::text, owner_id::text, name, description, default_model, system_prompt_id::text, settings,
  created_at, updated_at`;
const EDITABLE = ['name', 'description', 'default_model', 'system_prompt_id', 'settings'] as const;

/**
 * The projects table (`chat_projects`): created, renamed and deleted by their owners through the chat routes, read by
 * ProjectAccess for every "may this caller use it" question. Its SQL lives here and nowhere else.
 */
@Injectable()
export class ProjectsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: DataChanges,
  ) {}

  /** The owner's live projects, most recently changed first. */
  listOwned(ownerId: string): Promise<ProjectRow[]> {
    return query<ProjectRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM chat_projects WHERE owner_id = $1 AND deleted_at IS NULL ORDER BY updated_at DESC`,
      [ownerId],
    );
  }

  /** One live project of this owner, or null. */
  async getOwned(ownerId: string, id: string, db: Queryable = this.dataSource): Promise<ProjectRow | null> {
    const [row] = await query<ProjectRow>(
      db,
      `SELECT ${COLUMNS} FROM chat_projects WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL`,
      [id, ownerId],
    );
    return row ?? null;
  }

  /** 409 PROJECT_EXISTS when the owner already has a live project of that name. */
  async create(ownerId: string, input: ProjectChanges & { name: string }): Promise<string> {
    const [row] = await query<{ id: string }>(
      this.dataSource,
      `INSERT INTO chat_projects (owner_id, name, description, default_model, settings) VALUES ($1, $2, $3, $4, $5)
       RETURNING id::text`,
      [ownerId, input.name.trim(), input.description ?? '', input.default_model ?? null, input.settings ?? {}],
    ).catch((e) => duplicateName(e, input.name));
    this.changes.changed('chat_projects');
    return row.id;
  }

  async update(id: string, input: ProjectChanges): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const k of EDITABLE) {
      const v = input[k];
      if (v === undefined) continue;
      params.push(k === 'name' ? String(v).trim() : v);
      sets.push(`${k} = $${params.length}`);
    }
    if (!sets.length) return;
    await execute(
      this.dataSource,
      `UPDATE chat_projects SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`,
      params,
    ).catch((e) => duplicateName(e, input.name ?? ''));
    this.changes.changed('chat_projects');
  }

  /** Marks a project deleted, in the caller's transaction (chat deletes its sessions in the same one). */
  async softDelete(db: Queryable, id: string): Promise<void> {
    await execute(db, `UPDATE chat_projects SET deleted_at = now() WHERE id = $1`, [id]);
  }

  /** A prompt is going away: projects that used it as their system prompt lose it (caller's transaction). */
  async clearSystemPrompt(db: Queryable, promptId: string): Promise<void> {
    await execute(db, `UPDATE chat_projects SET system_prompt_id = NULL WHERE system_prompt_id = $1`, [promptId]);
  }

  /** Something happened in the project (a new session): it moves to the top of its owner's list. */
  async touch(id: string): Promise<void> {
    await execute(this.dataSource, `UPDATE chat_projects SET updated_at = now() WHERE id = $1`, [id]);
  }
}

function duplicateName(e: unknown, name: string): never {
  if ((e as { code?: string }).code === '23505') {
    throw DomainError.conflict('PROJECT_EXISTS', `You already have a project named "${name}".`);
  }
  throw e;
}
