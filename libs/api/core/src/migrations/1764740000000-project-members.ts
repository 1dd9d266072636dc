import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projects become the one notion of "project" for chat, the gateway, usage and budgets: a project (chat_projects)
 * has an owner and members (project_members, owned by libs/api/auth's ProjectAccess), and usage, budgets and
 * gateway limits name it by id instead of by free text anyone could type. Existing free-text values that name
 * exactly one live project (the event's own user's project for usage; a unique name for budgets and limits) are
 * rewritten to its id; anything else stays as it was (history, shown as recorded). Both tables notify
 * DataChanges so every instance drops its cached project access at once.
 */
export class ProjectMembers1764740000000 implements MigrationInterface {
  name = 'ProjectMembers1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE project_members (
        project_id uuid NOT NULL,
        user_id uuid NOT NULL,
        added_by uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_project_members PRIMARY KEY (project_id, user_id),
        CONSTRAINT fk_project_members_project FOREIGN KEY (project_id) REFERENCES chat_projects (id) ON DELETE CASCADE,
        CONSTRAINT fk_project_members_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_project_members_user ON project_members (user_id)`);
    await q.query(`CREATE INDEX ix_chat_projects_lower_name ON chat_projects (lower(name)) WHERE deleted_at IS NULL`);
    for (const t of ['project_members', 'chat_projects']) {
      await q.query(
        `CREATE TRIGGER tr_${t}_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t}
           FOR EACH STATEMENT EXECUTE FUNCTION mph_notify_change()`,
      );
    }
    // Usage: the event's own user's project of that exact name (names are unique per owner, so no two texts of one
    // user map to the same id and the rollup's key stays unique).
    for (const t of ['usage_events', 'usage_daily']) {
      await q.query(`
        UPDATE ${t} u SET project = p.id::text FROM chat_projects p
         WHERE u.project <> '' AND p.owner_id = u.user_id AND p.name = u.project AND p.deleted_at IS NULL`);
    }
    for (const t of ['budgets', 'gateway_limits']) {
      await q.query(`
        UPDATE ${t} b SET scope_id = p.id::text FROM chat_projects p
         WHERE b.scope = 'project' AND p.name = b.scope_id AND p.deleted_at IS NULL
           AND (SELECT count(*) FROM chat_projects x WHERE x.name = b.scope_id AND x.deleted_at IS NULL) = 1`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['budgets', 'gateway_limits']) {
      await q.query(`
        UPDATE ${t} b SET scope_id = p.name FROM chat_projects p WHERE b.scope = 'project' AND b.scope_id = p.id::text`);
    }
    for (const t of ['usage_events', 'usage_daily']) {
      await q.query(`UPDATE ${t} u SET project = p.name FROM chat_projects p WHERE u.project = p.id::text`);
    }
    await q.query(`DROP TRIGGER tr_chat_projects_changes ON chat_projects`);
    await q.query(`DROP INDEX ix_chat_projects_lower_name`);
    await q.query(`DROP TABLE project_members`);
  }
}
