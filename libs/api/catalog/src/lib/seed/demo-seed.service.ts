import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { execute, lockForTransaction, query, ResponseCache } from '@mph/api-core';
import { DataSource } from 'typeorm';
import { HfImportService } from '../import/hf-import.service';
import { DEMO_COMMERCIAL, DEMO_HF_RECORDS, DEMO_OFFERINGS, DEMO_OPEN_CAPABILITIES, DEMO_VENDORS } from './demo-catalog';

/** Loads the built-in demo catalog into an empty database, so a new installation shows real models at once. */
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger('Catalog');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly importer: HfImportService,
    private readonly cache: ResponseCache,
  ) {}

  /** Seeds when the catalog has no models at all; returns whether it did. Safe when instances start together. */
  async seedIfEmpty(): Promise<boolean> {
    const seeded = await this.dataSource.transaction(async (m) => {
      await lockForTransaction(m, 'mph:demo-seed');
      // Built-in rows (the local echo provider's model) do not make a catalog.
      const [{ n }] = await query<{ n: number }>(m, `SELECT count(*)::int AS n FROM models WHERE source <> 'built-in'`);
      if (n > 0) return false;
      await execute(
        m,
        `INSERT INTO vendors (slug, name, homepage, kinds)
         SELECT v.slug, v.name, v.homepage, v.kinds FROM jsonb_to_recordset($1::jsonb) AS v(slug text, name text, homepage text, kinds text[])
         ON CONFLICT (slug) DO NOTHING`,
        [JSON.stringify(DEMO_VENDORS)],
      );
      await execute(
        m,
        `INSERT INTO models (id, author, creator_vendor, display_name, description, context_window, max_output, input_modalities,
                             output_modalities, tool_calling, structured_output, reasoning, vision, open_weights, license,
                             release_date, aliases, source)
         SELECT d.id, split_part(d.id, '/', 1), d.creator, d."displayName", d.description, d."contextWindow", d."maxOutput", d.input,
                d.output, d."toolCalling", d."structuredOutput", d.reasoning, d.vision, d."openWeights", d.license,
                d."releaseDate"::date, coalesce(d.aliases, '{}'), 'demo'
           FROM jsonb_to_recordset($1::jsonb) AS d(id text, creator text, "displayName" text, description text, "contextWindow" int,
                "maxOutput" int, input text[], output text[], "toolCalling" bool, "structuredOutput" bool, reasoning bool,
                vision bool, "openWeights" bool, license text, "releaseDate" text, aliases text[])`,
        [JSON.stringify(DEMO_COMMERCIAL)],
      );
      return true;
    });
    if (!seeded) return false;
    await this.importer.import(
      (async function* () {
        yield { records: DEMO_HF_RECORDS, from: 'demo catalog' };
      })(),
    );
    await this.dataSource.transaction(async (m) => {
      for (const [id, c] of Object.entries(DEMO_OPEN_CAPABILITIES)) {
        await execute(
          m,
          `UPDATE models SET creator_vendor = $2, display_name = $3, context_window = $4, tool_calling = $5, reasoning = $6,
                  input_modalities = '{text}', output_modalities = '{text}' WHERE id = $1`,
          [id, c.creator, c.displayName, c.contextWindow, c.toolCalling, c.reasoning ?? false],
        );
      }
      await execute(
        m,
        `INSERT INTO offerings (model_id, provider_slug, provider_model_id)
         SELECT o.model, o.provider, o."providerModelId" FROM jsonb_to_recordset($1::jsonb) AS o(model text, provider text, "providerModelId" text)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(DEMO_OFFERINGS)],
      );
    });
    // Author statistics are a materialized view; the demo should not show zero authors until the nightly job.
    await execute(this.dataSource, `REFRESH MATERIALIZED VIEW author_stats`);
    this.cache.invalidate('catalog');
    this.logger.log(
      `Loaded the demo catalog: ${DEMO_COMMERCIAL.length + DEMO_HF_RECORDS.length} models, ${DEMO_OFFERINGS.length} offerings.`,
    );
    return true;
  }
}
