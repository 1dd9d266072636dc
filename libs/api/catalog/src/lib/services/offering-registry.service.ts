import { Injectable } from '@nestjs/common';
import { query } from '@mph/api-core';
import { EntityManager } from 'typeorm';

/** An offering as a price feed names it; the registry finds or creates it (and its vendor and model). */
export interface OfferingRef {
  provider: string;
  providerModelId: string;
  /** The catalog model the feed says it serves (an HF id, `creator/name`), when it says. */
  modelHint?: string;
  displayName?: string;
  contextWindow?: number | null;
  maxOutput?: number | null;
}

export interface EnsuredOfferings {
  /** `provider|providerModelId` → offering id, for every live offering. */
  ids: Map<string, string>;
  /** Offerings an operator deleted: a feed does not bring them back. */
  deleted: Set<string>;
  created: { vendors: number; models: number; offerings: number };
}

export const offeringKey = (provider: string, providerModelId: string) => `${provider}|${providerModelId}`;

const SEGMENT = /[^\w.-]+/g;

/** A catalog model id for an offering no model matched: `creator/name` with only the characters ids allow. */
export function modelIdFor(ref: OfferingRef): string {
  const candidate = ref.modelHint && /^[\w.-]{1,100}\/[\w.-]{1,100}$/.test(ref.modelHint) ? ref.modelHint : null;
  if (candidate) return candidate;
  const parts = ref.providerModelId.split('/').filter(Boolean);
  const [owner, name] = parts.length === 2 ? parts : [ref.provider, parts.join('--') || ref.providerModelId];
  const clean = (s: string) =>
    s
      .replace(SEGMENT, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100) || 'model';
  return `${clean(owner)}/${clean(name)}`;
}

/**
 * Finds or creates the vendors, models and offerings a sync run needs, in the caller's transaction and in bulk
 * (a whole feed is a few statements, not one per entry). Models are matched by id, case-insensitive id, or alias
 * before a new one is made; existing rows are never overwritten.
 */
@Injectable()
export class OfferingRegistryService {
  async ensure(m: EntityManager, refs: OfferingRef[], source: string): Promise<EnsuredOfferings> {
    const created = { vendors: 0, models: 0, offerings: 0 };
    const unique = [...new Map(refs.map((r) => [offeringKey(r.provider, r.providerModelId), r])).values()];
    const providers = [...new Set(unique.map((r) => r.provider))];
    const vendors = await query<{ slug: string }>(
      m,
      `INSERT INTO vendors (slug, name, kinds)
       SELECT p, initcap(replace(p, '-', ' ')), ARRAY['provider'] FROM unnest($1::text[]) AS p
       ON CONFLICT (slug) DO NOTHING RETURNING slug`,
      [providers],
    );
    created.vendors = vendors.length;

    const existing = async () =>
      (await query<{ id: string; provider_slug: string; provider_model_id: string; deleted: boolean }>(
        m,
        `SELECT o.id, o.provider_slug, o.provider_model_id, o.deleted_at IS NOT NULL AS deleted
           FROM offerings o
           JOIN unnest($1::text[], $2::text[]) AS k(provider, pid) ON o.provider_slug = k.provider AND o.provider_model_id = k.pid`,
        [unique.map((r) => r.provider), unique.map((r) => r.providerModelId)],
      )) as { id: string; provider_slug: string; provider_model_id: string; deleted: boolean }[];
    let rows = await existing();
    const known = new Set(rows.map((r) => offeringKey(r.provider_slug, r.provider_model_id)));
    const missing = unique.filter((r) => !known.has(offeringKey(r.provider, r.providerModelId)));

    if (missing.length) {
      const wanted = missing.map((r) => modelIdFor(r));
      const found = await query<{ wanted: string; id: string }>(
        m,
        `SELECT w.wanted, coalesce(
                  (SELECT id FROM models WHERE id = w.wanted),
                  (SELECT id FROM models WHERE lower(id) = lower(w.wanted) ORDER BY id LIMIT 1),
                  (SELECT id FROM models WHERE aliases @> ARRAY[w.wanted] ORDER BY id LIMIT 1)) AS id
           FROM unnest($1::text[]) AS w(wanted)`,
        [[...new Set(wanted)]],
      );
      // Keyed by lower-cased wanted id: two spellings of one id must land on one model.
      const resolved = new Map(found.filter((f) => f.id).map((f) => [f.wanted.toLowerCase(), f.id]));
      const newModels = new Map<string, OfferingRef>();
      missing.forEach((r, i) => {
        const lower = wanted[i].toLowerCase();
        if (!resolved.has(lower) && !newModels.has(lower)) newModels.set(lower, { ...r, modelHint: wanted[i] });
      });
      if (newModels.size) {
        const inserted = await query<{ id: string }>(
          m,
          `INSERT INTO models (id, author, display_name, context_window, max_output, source)
           SELECT d.id, split_part(d.id, '/', 1), d.name, d.ctx, d.max_out, $2
             FROM jsonb_to_recordset($1::jsonb) AS d(id text, name text, ctx int, max_out int)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [
            JSON.stringify(
              [...newModels.values()].map((r) => ({
                id: r.modelHint,
                name: r.displayName ?? (r.modelHint as string).split('/')[1],
                ctx: r.contextWindow ?? null,
                max_out: r.maxOutput ?? null,
              })),
            ),
            source,
          ],
        );
        created.models = inserted.length;
        for (const [lower, r] of newModels) resolved.set(lower, r.modelHint as string);
      }
      const offerings = await query<{ id: string }>(
        m,
        `INSERT INTO offerings (model_id, provider_slug, provider_model_id, context_window, max_output)
         SELECT d.model_id, d.provider, d.pid, d.ctx, d.max_out
           FROM jsonb_to_recordset($1::jsonb) AS d(model_id text, provider text, pid text, ctx int, max_out int)
         ON CONFLICT (provider_slug, provider_model_id) DO NOTHING RETURNING id`,
        [
          JSON.stringify(
            missing.map((r, i) => ({
              model_id: resolved.get(wanted[i].toLowerCase()),
              provider: r.provider,
              pid: r.providerModelId,
              ctx: r.contextWindow ?? null,
              max_out: r.maxOutput ?? null,
            })),
          ),
        ],
      );
      created.offerings = offerings.length;
      rows = await existing();
    }
    const ids = new Map<string, string>();
    const deleted = new Set<string>();
    for (const r of rows) {
      const key = offeringKey(r.provider_slug, r.provider_model_id);
      if (r.deleted) deleted.add(key);
      else ids.set(key, r.id);
    }
    return { ids, deleted, created };
  }
}
