import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search document no longer holds each id as one whole lexeme: with a million models that made a million unique
 * lexemes, and every prefix query ("llam:*") walked all of them in the GIN index. Ids are still found word by word,
 * and an exact id is matched through lower(id) instead.
 */
export class SearchVectorWords1763830000000 implements MigrationInterface {
  name = 'SearchVectorWords1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await this.define(
      q,
      `regexp_replace(NEW.id || ' ' || array_to_string(NEW.aliases, ' '), '[^[:alnum:]]+', ' ', 'g')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await this.define(
      q,
      `NEW.id || ' ' || regexp_replace(NEW.id || ' ' || array_to_string(NEW.aliases, ' '), '[^[:alnum:]]+', ' ', 'g')`,
    );
  }

  private async define(q: QueryRunner, idDocument: string): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION models_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_vector :=
          setweight(to_tsvector('simple', ${idDocument}), 'A') ||
          setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.display_name, '') || ' ' || NEW.author, '[^[:alnum:]]+', ' ', 'g')), 'B') ||
          setweight(to_tsvector('simple', regexp_replace(array_to_string(NEW.tags, ' '), '[^[:alnum:]]+', ' ', 'g') || ' ' || left(coalesce(NEW.description, ''), 4000)), 'C');
        RETURN NEW;
      END $$`);
    // Recompute every document with the new function (the trigger fires on an update of id). On a large catalog this
    // takes longer than the request statement timeout, which therefore does not apply to this transaction.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`UPDATE models SET id = id`);
  }
}
