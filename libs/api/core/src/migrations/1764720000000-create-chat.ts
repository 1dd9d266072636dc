import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat (libs/api/chat), part two: projects (owned by a member), prompts with immutable versions (editing makes a new
 * version; a session records the version it used), sessions and their messages (tokens by unit, cost, latency, the
 * call's transaction id, status). Everything is owned: another member's rows answer 404.
 */
export class CreateChat1764720000000 implements MigrationInterface {
  name = 'CreateChat1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chat_projects (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        default_model text NULL,
        system_prompt_id uuid NULL,
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL,
        CONSTRAINT pk_chat_projects PRIMARY KEY (id),
        CONSTRAINT fk_chat_projects_owner FOREIGN KEY (owner_id) REFERENCES users (id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX ux_chat_projects_name ON chat_projects (owner_id, lower(name)) WHERE deleted_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE prompts (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        project_id uuid NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL,
        CONSTRAINT pk_prompts PRIMARY KEY (id),
        CONSTRAINT fk_prompts_owner FOREIGN KEY (owner_id) REFERENCES users (id),
        CONSTRAINT fk_prompts_project FOREIGN KEY (project_id) REFERENCES chat_projects (id)
      )`);
    await q.query(`CREATE INDEX ix_prompts_owner ON prompts (owner_id, project_id) WHERE deleted_at IS NULL`);
    await q.query(`
      CREATE TABLE prompt_versions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        prompt_id uuid NOT NULL,
        version integer NOT NULL,
        template text NOT NULL,
        variables text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_prompt_versions PRIMARY KEY (id),
        CONSTRAINT fk_prompt_versions_prompt FOREIGN KEY (prompt_id) REFERENCES prompts (id),
        CONSTRAINT uq_prompt_versions UNIQUE (prompt_id, version)
      )`);
    await q.query(`
      ALTER TABLE chat_projects ADD CONSTRAINT fk_chat_projects_prompt
        FOREIGN KEY (system_prompt_id) REFERENCES prompts (id)`);
    await q.query(`
      CREATE TABLE chat_sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        project_id uuid NOT NULL,
        title text NOT NULL DEFAULT '',
        model text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        prompt_version_id uuid NULL,
        variables jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL,
        CONSTRAINT pk_chat_sessions PRIMARY KEY (id),
        CONSTRAINT fk_chat_sessions_owner FOREIGN KEY (owner_id) REFERENCES users (id),
        CONSTRAINT fk_chat_sessions_project FOREIGN KEY (project_id) REFERENCES chat_projects (id),
        CONSTRAINT fk_chat_sessions_prompt FOREIGN KEY (prompt_version_id) REFERENCES prompt_versions (id)
      )`);
    await q.query(
      `CREATE INDEX ix_chat_sessions_project ON chat_sessions (project_id, updated_at DESC) WHERE deleted_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE chat_messages (
        id bigint GENERATED ALWAYS AS IDENTITY,
        session_id uuid NOT NULL,
        role text NOT NULL,
        content text NOT NULL DEFAULT '',
        attachments jsonb NOT NULL DEFAULT '[]',
        model text NULL,
        provider text NULL,
        connection_id uuid NULL,
        usage jsonb NULL,
        cost numeric NULL,
        currency char(3) NULL,
        latency_ms integer NULL,
        ttft_ms integer NULL,
        transaction_id text NULL,
        status text NOT NULL DEFAULT 'complete',
        error text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_chat_messages PRIMARY KEY (id),
        CONSTRAINT fk_chat_messages_session FOREIGN KEY (session_id) REFERENCES chat_sessions (id),
        CONSTRAINT ck_chat_messages_role CHECK (role IN ('system', 'user', 'assistant')),
        CONSTRAINT ck_chat_messages_status CHECK (status IN ('pending', 'streaming', 'complete', 'partial', 'error'))
      )`);
    await q.query(`CREATE INDEX ix_chat_messages_session ON chat_messages (session_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE chat_messages`);
    await q.query(`DROP TABLE chat_sessions`);
    await q.query(`ALTER TABLE chat_projects DROP CONSTRAINT fk_chat_projects_prompt`);
    await q.query(`DROP TABLE prompt_versions`);
    await q.query(`DROP TABLE prompts`);
    await q.query(`DROP TABLE chat_projects`);
  }
}
