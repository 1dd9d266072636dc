import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@mph/api-core';
import { matchCandidates, matchesClause } from '@mph/cost-engine';
import { providerSlug } from '@mph/api-pricing';
import { DataSource } from 'typeorm';

export interface MatchedOffering {
  offering_id: string;
  provider: string;
  provider_model_id: string;
  model_id: string;
}

/**
 * Provider + model as clients send them → the offering that prices the call. Providers are accepted as the feeds
 * spell them (`aws`, `gemini`, `vertex_ai`, `x-ai`, …); model ids are tried literally, then normalized (provider
 * prefixes, Bedrock region profiles, Vertex `@date`, date suffixes, `-latest`), first as the provider's own id, then as
 * a catalog model id or alias that the provider offers.
 */
@Injectable()
export class ModelMatcherService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async match(providerRaw: string, model: string): Promise<MatchedOffering> {
    const provider = providerSlug(providerRaw);
    const candidates = matchCandidates(provider, model);
    const rows: (MatchedOffering & { ord: number })[] = await this.dataSource.query(
      `WITH c(cand, ord) AS (SELECT * FROM unnest($2::text[]) WITH ORDINALITY)
       SELECT * FROM (
         SELECT o.id AS offering_id, o.provider_slug AS provider, o.provider_model_id, o.model_id, c.ord
           FROM c JOIN offerings o ON o.provider_slug = $1 AND o.deleted_at IS NULL
                 AND (o.provider_model_id = c.cand OR lower(o.provider_model_id) = lower(c.cand))
         UNION ALL
         SELECT o.id, o.provider_slug, o.provider_model_id, o.model_id, c.ord + 1000
           FROM c JOIN models m ON m.deleted_at IS NULL
                 AND (lower(m.id) = lower(c.cand) OR lower(m.id) = lower($1 || '/' || c.cand) OR m.aliases @> ARRAY[c.cand])
           JOIN offerings o ON o.model_id = m.id AND o.provider_slug = $1 AND o.deleted_at IS NULL
       ) x ORDER BY ord, provider_model_id LIMIT 1`,
      [provider, candidates],
    );
    if (!rows.length) {
      // Last: the match rules feeds state (genai-prices), in feed order, tried on every spelling.
      const rules: (MatchedOffering & { rule: unknown })[] = await this.dataSource.query(
        `SELECT o.id AS offering_id, o.provider_slug AS provider, o.provider_model_id, o.model_id, r.rule
           FROM offering_match_rules r JOIN offerings o ON o.id = r.offering_id AND o.deleted_at IS NULL
          WHERE r.provider_slug = $1 ORDER BY r.position, r.source`,
        [provider],
      );
      const hit = rules.find((r) => candidates.some((c) => matchesClause(r.rule, c)));
      if (hit) {
        const { rule: _rule, ...match } = hit;
        return match;
      }
    }
    if (!rows.length) {
      throw DomainError.notFound(
        'MODEL_NOT_MATCHED',
        `No offering of "${provider}" matches "${model}" (tried ${candidates.map((c) => `"${c}"`).join(', ')}). ` +
          'Check the provider and model id, or add the offering (or an alias) in the catalog.',
        { provider, model, tried: candidates },
      );
    }
    const { ord: _ord, ...match } = rows[0];
    return match;
  }
}
