import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model-id match rules a feed states for an offering (genai-prices' `match` clauses), so clients' spellings resolve
 * to the offering the feed prices. One rule per offering and source, kept in feed order.
 */
export class OfferingMatchRules1764680000000 implements MigrationInterface {
  name = 'OfferingMatchRules1764680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE offering_match_rules (
        offering_id uuid NOT NULL,
        source text NOT NULL,
        provider_slug text NOT NULL,
        position integer NOT NULL,
        rule jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_offering_match_rules PRIMARY KEY (offering_id, source),
        CONSTRAINT fk_offering_match_rules_offering FOREIGN KEY (offering_id) REFERENCES offerings (id)
      )`);
    await q.query(`CREATE INDEX ix_offering_match_rules_provider ON offering_match_rules (provider_slug, position)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE offering_match_rules`);
  }
}
