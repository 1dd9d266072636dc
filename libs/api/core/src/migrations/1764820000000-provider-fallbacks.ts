import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A feed's statement that a provider prices models it does not list as another provider does (genai-prices'
 * `fallback_model_providers`: Azure as OpenAI then Anthropic, Vertex as Anthropic), per source, in its order.
 */
export class ProviderFallbacks1764820000000 implements MigrationInterface {
  name = 'ProviderFallbacks1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_fallbacks (
        source text NOT NULL,
        provider_slug text NOT NULL,
        fallback_slug text NOT NULL,
        position int NOT NULL,
        CONSTRAINT pk_provider_fallbacks PRIMARY KEY (source, provider_slug, position)
      )`);
    await q.query(`CREATE INDEX ix_provider_fallbacks_provider ON provider_fallbacks (provider_slug, position)`);
    // Model matches depend on it: every instance drops its cached matches when it changes.
    await q.query(
      `CREATE TRIGGER tr_provider_fallbacks_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON provider_fallbacks
         FOR EACH STATEMENT EXECUTE FUNCTION mph_notify_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE provider_fallbacks`);
  }
}
