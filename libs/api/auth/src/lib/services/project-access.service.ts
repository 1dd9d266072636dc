import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataChanges, DomainError, Principal, query } from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, AuditService } from './audit.service';

/** A project as access control sees it: the object usage, budgets, limits and chat sessions belong to. */
export interface ProjectRef {
  id: string;
  name: string;
  ownerId: string;
}

export interface ProjectMember {
  user_id: string;
  email: string;
  role: 'owner' | 'member';
  added_at: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Users whose usable projects are kept in memory at once (the gateway asks on every call with X-MPH-Project). */
const CACHED_USERS = 10_000;

const notFound = (ref: string) =>
  DomainError.notFound(
    'PROJECT_NOT_FOUND',
    `No project "${ref}" that you may use. Projects are created in the chat (POST /api/v1/projects); ` +
      'to use someone else’s, ask its owner to add you as a member.',
    { project: ref },
  );

/**
 * The one answer to "which project is this, and may this caller use it?". A project (a chat project, created by its
 * owner) is used by its owner and the members the owner adds; usage events, gateway calls (X-MPH-Project) and chat
 * sessions name it by id or by name, and are refused when it is unknown or not theirs: a name is never created on
 * the fly, so nobody can spend from (or escape) another team's budget by typing its name. Operators and admins set
 * budgets and limits on any project; admins may also use any. This service owns project_members; the projects
 * themselves are ProjectsService's (created, renamed and deleted through the chat routes).
 */
@Injectable()
export class ProjectAccess {
  /** userId → the projects that user may use; dropped on any change to projects, members or users. */
  private usable = new Map<string, Promise<ProjectRef[]>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: DataChanges,
    private readonly audit: AuditService,
  ) {
    changes.subscribe((table) => {
      if (table === null || table === 'chat_projects' || table === 'project_members' || table === 'users') {
        this.usable = new Map();
      }
    });
  }

  private projectsOf(userId: string): Promise<ProjectRef[]> {
    const cached = this.changes.live ? this.usable.get(userId) : undefined;
    if (cached) return cached;
    const generation = this.changes.generation;
    const read: Promise<ProjectRef[]> = query<{ id: string; name: string; owner_id: string }>(
      this.dataSource,
      `SELECT p.id, p.name, p.owner_id FROM chat_projects p
          WHERE p.deleted_at IS NULL
            AND (p.owner_id = $1 OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = $1))
          ORDER BY p.created_at, p.id`,
      [userId],
    ).then((rows) => rows.map((r) => ({ id: r.id, name: r.name, ownerId: r.owner_id })));
    if (this.changes.live && this.changes.generation === generation) {
      if (this.usable.size >= CACHED_USERS) this.usable = new Map();
      this.usable.set(userId, read);
      read.catch(() => this.usable.delete(userId));
    }
    return read;
  }

  /** The projects `by` may use (owned or member of). */
  usableBy(by: Principal): Promise<ProjectRef[]> {
    return this.projectsOf(by.userId);
  }

  /**
   * The project `ref` (an id, or a name, case-insensitive) that `by` may use: its owner, a member, or an admin.
   * 404 PROJECT_NOT_FOUND when there is none (another team's project looks the same as a missing one); 400
   * PROJECT_AMBIGUOUS when two projects the caller may use share the name.
   */
  async forUse(by: Principal, ref: string): Promise<ProjectRef> {
    const found = (await this.forUseMany(by, [ref])).get(ref);
    if (!found) throw notFound(ref);
    if (found instanceof DomainError) throw found;
    return found;
  }

  /** `forUse` for several references at once (one read per caller): each answers its project or its refusal. */
  async forUseMany(by: Principal, refs: string[]): Promise<Map<string, ProjectRef | DomainError>> {
    const out = new Map<string, ProjectRef | DomainError>();
    const mine = await this.projectsOf(by.userId);
    const missing: string[] = [];
    for (const ref of new Set(refs)) {
      const hit = pick(mine, ref);
      if (hit) out.set(ref, hit);
      else missing.push(ref);
    }
    if (missing.length && by.role === 'admin') {
      for (const ref of missing) {
        const hit = pick(await this.lookup(ref), ref);
        out.set(ref, hit ?? notFound(ref));
      }
    } else {
      for (const ref of missing) out.set(ref, notFound(ref));
    }
    return out;
  }

  /**
   * The project `ref` for setting a budget or a limit on it: operators and admins any project (a name must then be
   * unique across all projects, else use the id), members only projects they own.
   */
  async forManage(by: Principal, ref: string): Promise<ProjectRef> {
    const candidates = by.role === 'admin' || by.role === 'operator' ? await this.lookup(ref) : await this.owned(by);
    const hit = pick(candidates, ref);
    if (!hit) throw notFound(ref);
    if (hit instanceof DomainError) throw hit;
    return hit;
  }

  /** Project names by id (for reports and lists); ids of deleted projects still answer their last name. */
  async names(ids: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)].filter((id) => UUID.test(id));
    if (!wanted.length) return new Map();
    const rows = await query<{ id: string; name: string }>(
      this.dataSource,
      `SELECT id::text, name FROM chat_projects WHERE id = ANY($1::uuid[])`,
      [wanted],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Who may use a project: its owner and members. Readable by the owner, its members, operators and admins. */
  async members(by: Principal, projectId: string): Promise<ProjectMember[]> {
    const project = await this.visible(by, projectId);
    const rows = await query<{ user_id: string; email: string; role: 'owner' | 'member'; added_at: Date }>(
      this.dataSource,
      `SELECT u.id AS user_id, u.email, 'owner' AS role, p.created_at AS added_at
           FROM chat_projects p JOIN users u ON u.id = p.owner_id WHERE p.id = $1
         UNION ALL
         SELECT u.id, u.email, 'member', m.created_at FROM project_members m JOIN users u ON u.id = m.user_id
          WHERE m.project_id = $1
         ORDER BY role DESC, email`,
      [project.id],
    );
    return rows.map((r) => ({ ...r, added_at: new Date(r.added_at).toISOString() }));
  }

  /** Adds a member by email (the owner or an admin); adding someone twice is a no-op. */
  async addMember(by: Principal, projectId: string, email: string): Promise<ProjectMember[]> {
    const project = await this.managed(by, projectId);
    await this.dataSource.transaction(async (m) => {
      const [user] = await query<{ id: string }>(
        m,
        `SELECT id FROM users WHERE lower(email) = lower($1) AND NOT disabled`,
        [email],
      );
      if (!user) {
        throw DomainError.notFound('USER_NOT_FOUND', `No active user with the email ${email}.`, { email });
      }
      if (user.id === project.ownerId) return;
      const added = await query<{ user_id: string }>(
        m,
        `INSERT INTO project_members (project_id, user_id, added_by) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING user_id`,
        [project.id, user.id, by.userId],
      );
      if (added.length) await this.record(m, by, 'project.member_added', project, { user_id: user.id, email });
    });
    this.changes.changed('project_members');
    return this.members(by, projectId);
  }

  /** Removes a member (the owner or an admin; members may leave themselves). */
  async removeMember(by: Principal, projectId: string, userId: string): Promise<void> {
    const project = userId === by.userId ? await this.visible(by, projectId) : await this.managed(by, projectId);
    await this.dataSource.transaction(async (m) => {
      const result = await query<{ user_id: string }>(
        m,
        `DELETE FROM project_members WHERE project_id = $1 AND user_id = $2 RETURNING user_id`,
        [project.id, userId],
      );
      if (!result.length) throw DomainError.notFound('MEMBER_NOT_FOUND', 'That user is not a member of this project.');
      await this.record(m, by, 'project.member_removed', project, { user_id: userId });
    });
    this.changes.changed('project_members');
  }

  /** The project, if `by` may see its members (owner, member, operator, admin); 404 otherwise. */
  private async visible(by: Principal, projectId: string): Promise<ProjectRef> {
    if (UUID.test(projectId)) {
      if (by.role === 'admin' || by.role === 'operator') {
        const [p] = await this.byId(projectId);
        if (p) return p;
      } else {
        const p = (await this.projectsOf(by.userId)).find((x) => x.id === projectId);
        if (p) return p;
      }
    }
    throw DomainError.notFound('PROJECT_NOT_FOUND', 'Project not found.');
  }

  /** The project, if `by` may change its members (its owner or an admin); 404 otherwise. */
  private async managed(by: Principal, projectId: string): Promise<ProjectRef> {
    const p = await this.visible(by, projectId);
    if (p.ownerId === by.userId || by.role === 'admin') return p;
    if (by.role === 'operator' || (await this.projectsOf(by.userId)).some((x) => x.id === p.id)) {
      throw DomainError.forbidden('FORBIDDEN', 'Only the project’s owner (or an admin) adds and removes members.');
    }
    throw DomainError.notFound('PROJECT_NOT_FOUND', 'Project not found.');
  }

  private byId(id: string): Promise<ProjectRef[]> {
    return this.read(`p.id = $1::uuid`, id);
  }

  /** Live projects whose id or name (case-insensitive) is `ref`. */
  private lookup(ref: string): Promise<ProjectRef[]> {
    return UUID.test(ref) ? this.byId(ref) : this.read(`lower(p.name) = lower($1)`, ref);
  }

  private async owned(by: Principal): Promise<ProjectRef[]> {
    return (await this.projectsOf(by.userId)).filter((p) => p.ownerId === by.userId);
  }

  private async read(where: string, value: string): Promise<ProjectRef[]> {
    const rows = await query<{ id: string; name: string; owner_id: string }>(
      this.dataSource,
      `SELECT p.id, p.name, p.owner_id FROM chat_projects p WHERE p.deleted_at IS NULL AND ${where} ORDER BY p.id LIMIT 50`,
      [value],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, ownerId: r.owner_id }));
  }

  private record(m: EntityManager, by: Principal, action: string, project: ProjectRef, after: object) {
    return this.audit.record(m, {
      actor: actorOf(by),
      action,
      targetType: 'project',
      targetId: project.id,
      after: { project: project.name, ...after },
    });
  }
}

/** The one project among `candidates` that `ref` names (id first, then name); an error when the name is shared. */
function pick(candidates: ProjectRef[], ref: string): ProjectRef | DomainError | null {
  const byId = candidates.find((p) => p.id === ref.toLowerCase());
  if (byId) return byId;
  const named = candidates.filter((p) => p.name.toLowerCase() === ref.trim().toLowerCase());
  if (named.length === 1) return named[0];
  if (named.length > 1) {
    return DomainError.badRequest(
      'PROJECT_AMBIGUOUS',
      `${named.length} projects are named "${ref}"; name the one you mean by its id (${named.map((p) => p.id).join(', ')}).`,
      [{ field: 'project', problems: ['ambiguous name: use the project id'] }],
    );
  }
  return null;
}
