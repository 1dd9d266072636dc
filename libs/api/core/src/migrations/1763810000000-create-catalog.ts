import { MigrationInterface, QueryRunner } from 'typeorm';

/** Vendors, models, offerings, daily stats (libs/api/catalog) and base-model / dataset relations (libs/api/provenance). */
export class CreateCatalog1763810000000 implements MigrationInterface {
  name = 'CreateCatalog1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE vendors (
        slug text NOT NULL,
        name text NOT NULL,
        homepage text NULL,
        kinds text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL,
        CONSTRAINT pk_vendors PRIMARY KEY (slug),
        CONSTRAINT ck_vendors_slug CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        CONSTRAINT ck_vendors_kinds CHECK (kinds <@ ARRAY['creator', 'provider', 'aggregator']::text[])
      )`);

    await q.query(`
      CREATE TABLE models (
        id text NOT NULL,
        author text NOT NULL,
        creator_vendor text NULL,
        display_name text NOT NULL,
        description text NULL,
        context_window integer NULL,
        max_output integer NULL,
        input_modalities text[] NOT NULL DEFAULT '{}',
        output_modalities text[] NOT NULL DEFAULT '{}',
        tool_calling boolean NULL,
        structured_output boolean NULL,
        reasoning boolean NULL,
        vision boolean NULL,
        open_weights boolean NULL,
        license text NULL,
        release_date date NULL,
        knowledge_cutoff text NULL,
        deprecation_date date NULL,
        aliases text[] NOT NULL DEFAULT '{}',
        pipeline_tag text NULL,
        library_name text NULL,
        likes integer NOT NULL DEFAULT 0,
        downloads bigint NOT NULL DEFAULT 0,
        downloads_all_time bigint NULL,
        trending_score double precision NOT NULL DEFAULT 0,
        hf_created_at timestamptz NULL,
        hf_last_modified timestamptz NULL,
        gated text NULL,
        private boolean NOT NULL DEFAULT false,
        sha text NULL,
        tags text[] NOT NULL DEFAULT '{}',
        files jsonb NOT NULL DEFAULT '[]',
        source text NOT NULL DEFAULT 'manual',
        search_vector tsvector NOT NULL DEFAULT ''::tsvector,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL,
        CONSTRAINT pk_models PRIMARY KEY (id),
        CONSTRAINT fk_models_creator_vendor FOREIGN KEY (creator_vendor) REFERENCES vendors (slug),
        CONSTRAINT ck_models_id CHECK (length(id) BETWEEN 1 AND 200)
      )`);
    // Weighted search document: ids and aliases (A) > name and author (B) > tags and description (C). Ids are also
    // split on punctuation so "llama" and "3.1" match inside "meta-llama/Llama-3.1-8B-Instruct".
    await q.query(`
      CREATE FUNCTION models_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_vector :=
          setweight(to_tsvector('simple', NEW.id || ' ' || regexp_replace(NEW.id || ' ' || array_to_string(NEW.aliases, ' '), '[^[:alnum:]]+', ' ', 'g')), 'A') ||
          setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.display_name, '') || ' ' || NEW.author, '[^[:alnum:]]+', ' ', 'g')), 'B') ||
          setweight(to_tsvector('simple', regexp_replace(array_to_string(NEW.tags, ' '), '[^[:alnum:]]+', ' ', 'g') || ' ' || left(coalesce(NEW.description, ''), 4000)), 'C');
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_models_search_vector BEFORE INSERT OR UPDATE OF id, display_name, author, aliases, tags, description
      ON models FOR EACH ROW EXECUTE FUNCTION models_search_vector()`);
    await q.query(`CREATE INDEX ix_models_search ON models USING gin (search_vector)`);
    await q.query(`CREATE INDEX ix_models_tags ON models USING gin (tags)`);
    await q.query(`CREATE INDEX ix_models_aliases ON models USING gin (aliases)`);
    await q.query(`CREATE INDEX ix_models_lower_id ON models (lower(id))`);
    await q.query(`CREATE INDEX ix_models_author ON models (author)`);
    await q.query(`CREATE INDEX ix_models_creator_vendor ON models (creator_vendor)`);
    await q.query(`CREATE INDEX ix_models_pipeline_tag ON models (pipeline_tag)`);
    await q.query(`CREATE INDEX ix_models_library_name ON models (library_name)`);
    await q.query(`CREATE INDEX ix_models_license ON models (license)`);
    await q.query(`CREATE INDEX ix_models_downloads ON models (downloads DESC, id)`);
    await q.query(`CREATE INDEX ix_models_likes ON models (likes DESC, id)`);
    await q.query(`CREATE INDEX ix_models_trending ON models (trending_score DESC, id)`);
    await q.query(`CREATE INDEX ix_models_hf_created ON models (hf_created_at DESC, id)`);
    await q.query(`CREATE INDEX ix_models_hf_modified ON models (hf_last_modified DESC, id)`);

    await q.query(`
      CREATE TABLE offerings (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_id text NOT NULL,
        provider_slug text NOT NULL,
        provider_model_id text NOT NULL,
        context_window integer NULL,
        max_output integer NULL,
        status text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL,
        CONSTRAINT pk_offerings PRIMARY KEY (id),
        CONSTRAINT fk_offerings_model FOREIGN KEY (model_id) REFERENCES models (id) ON UPDATE CASCADE,
        CONSTRAINT fk_offerings_provider FOREIGN KEY (provider_slug) REFERENCES vendors (slug),
        CONSTRAINT ck_offerings_status CHECK (status IN ('active', 'deprecated'))
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_offerings_provider_model ON offerings (provider_slug, provider_model_id)`);
    await q.query(`CREATE INDEX ix_offerings_model ON offerings (model_id)`);

    await q.query(`
      CREATE TABLE model_stats_daily (
        model_id text NOT NULL,
        day date NOT NULL,
        downloads bigint NOT NULL,
        likes integer NOT NULL,
        CONSTRAINT pk_model_stats_daily PRIMARY KEY (model_id, day),
        CONSTRAINT fk_model_stats_daily_model FOREIGN KEY (model_id) REFERENCES models (id) ON DELETE CASCADE ON UPDATE CASCADE
      )`);

    await q.query(`
      CREATE TABLE base_model_relations (
        model_id text NOT NULL,
        base_model_id text NOT NULL,
        relation text NOT NULL,
        source text NOT NULL,
        CONSTRAINT pk_base_model_relations PRIMARY KEY (model_id, base_model_id),
        CONSTRAINT fk_base_model_relations_model FOREIGN KEY (model_id) REFERENCES models (id) ON DELETE CASCADE ON UPDATE CASCADE,
        CONSTRAINT ck_base_model_relations_relation CHECK (relation IN ('finetune', 'adapter', 'quantized', 'merge')),
        CONSTRAINT ck_base_model_relations_source CHECK (source IN ('tag', 'card', 'inferred', 'manual'))
      )`);
    await q.query(`CREATE INDEX ix_base_model_relations_base ON base_model_relations (base_model_id, relation)`);

    await q.query(`
      CREATE TABLE dataset_relations (
        model_id text NOT NULL,
        dataset_id text NOT NULL,
        CONSTRAINT pk_dataset_relations PRIMARY KEY (model_id, dataset_id),
        CONSTRAINT fk_dataset_relations_model FOREIGN KEY (model_id) REFERENCES models (id) ON DELETE CASCADE ON UPDATE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_dataset_relations_dataset ON dataset_relations (dataset_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dataset_relations`);
    await q.query(`DROP TABLE base_model_relations`);
    await q.query(`DROP TABLE model_stats_daily`);
    await q.query(`DROP TABLE offerings`);
    await q.query(`DROP TABLE models`);
    await q.query(`DROP FUNCTION models_search_vector()`);
    await q.query(`DROP TABLE vendors`);
  }
}
