import { Injectable } from '@nestjs/common';
import { execute, query } from '@mph/api-core';
import { EntityManager } from 'typeorm';
import {
  canonicalOfferingId,
  creatorSlug,
  hfRepoId,
  ModelCandidate,
  modelCandidates,
  nameKey,
  newModelId,
  offeringVariant,
  sameCreator,
} from '../identity/model-names';

/** A model a feed says an offering serves, strongest evidence first. */
export interface ModelHint {
  /** A catalog-style id (`creator/name`, an HF repo id) or a bare name. */
  id: string;
  /** Where the feed says so (`OpenRouter hugging_face_id`, `models.dev base_model`, an operator's id rule). */
  via: string;
  /** A Hugging Face repo id: a new model takes it exactly (other ids get our creator slug). */
  hf?: boolean;
}

/** An offering as a price feed names it; the registry finds or creates it (and its vendor and model). */
export interface OfferingRef {
  provider: string;
  providerModelId: string;
  /** The catalog model the feed says it serves (an HF id, `creator/name`), when it says. */
  modelHint?: string;
  /** More hints, strongest first (`modelHint` counts as the first, from an id rule). */
  modelHints?: ModelHint[];
  displayName?: string;
  contextWindow?: number | null;
  maxOutput?: number | null;
}

/** Why an offering belongs to its model: the decision and its evidence, shown to operators. */
export interface OfferingIdentity {
  /** `operator` (pinned), `feed` (a feed's own link), `name` (the catalog had the model), `new` (made for it). */
  basis: 'operator' | 'feed' | 'name' | 'new' | 'legacy';
  /** One line: what matched, e.g. `OpenRouter hugging_face_id openai/gpt-oss-120b`. */
  reason: string;
  /** The normalisation steps from the provider's id to the model's name. */
  rules: string[];
  /** Other catalog models the same name key also named (an ambiguity an operator may want to settle). */
  alternatives?: string[];
  /** Which source decided, and when. */
  source?: string;
  at?: string;
}

const STRENGTH: Record<OfferingIdentity['basis'], number> = { legacy: -1, new: 0, name: 1, feed: 2, operator: 9 };

/** What the registry will do for one offering of a feed. */
export interface ResolvedOffering {
  key: string;
  provider: string;
  providerModelId: string;
  /** Other spellings of this offering seen in the feed (recorded as the offering's aliases). */
  spellings: string[];
  variant: string | null;
  contextWindow: number | null;
  maxOutput: number | null;
  existing: { id: string; modelId: string; deleted: boolean; pinned: boolean; aliases: string[] } | null;
  modelId: string;
  /** The offering moves from this model (a stronger identity than the stored one). */
  movesFrom: string | null;
  identity: OfferingIdentity;
  /** Whether its model is new (made in this run). */
  newModel: boolean;
  /** A stored offering's identity is recorded for the first time (it predates identities). */
  writeIdentity: boolean;
}

export interface IdentityPlan {
  offerings: Map<string, ResolvedOffering>;
  /** New models to create, by id. */
  newModels: Map<
    string,
    { id: string; displayName: string; contextWindow: number | null; maxOutput: number | null; aliases: string[] }
  >;
  /** Aliases to add to existing models (snapshot names, other feeds' ids for them). */
  modelAliases: Map<string, Set<string>>;
}

export interface EnsuredOfferings {
  /** `provider|providerModelId` → offering id, for every live offering. */
  ids: Map<string, string>;
  /** The same keys → the model each live offering serves (after this apply). */
  models: Map<string, string>;
  /** Offerings an operator deleted: a feed does not bring them back. */
  deleted: Set<string>;
  created: { vendors: number; models: number; offerings: number };
  /** Offerings moved to another model, and models merged away because a sync emptied them. */
  moved: number;
  merged: number;
}

/** Offerings are keyed by provider and the provider's id as its API takes it (canonicalOfferingId). */
export const offeringKey = (provider: string, providerModelId: string) =>
  `${provider}|${canonicalOfferingId(provider, providerModelId)}`;

/** A stored offering as identity resolution reads it. */
interface StoredOffering {
  id: string;
  provider_model_id: string;
  model_id: string;
  deleted: boolean;
  identity_pinned: boolean;
  aliases: string[];
  identity: Record<string, unknown>;
}

interface StoredModel {
  id: string;
  aliases: string[];
  identity_keys: string[];
  offerings: number;
  source: string;
  downloads: number;
}

/**
 * Finds or creates the vendors, models and offerings a feed names, in the caller's transaction and in bulk. In two
 * steps, so a sync can show (and check) what it would do before doing it: `resolve` decides, per offering, which
 * stored offering it is (by the provider's id or another spelling of it) and which model it serves, with the reason;
 * `apply` writes that. `ensure` does both.
 *
 * Which model: an operator's pin wins; else the first candidate that names a catalog model — the feed's own links
 * (OpenRouter `hugging_face_id`, models.dev `base_model`, id rules), then the provider's id without its wrappers,
 * then its snapshot's family, then serving variants — by id, alias, or name key with a compatible creator; else a
 * new model. A stored offering moves only for stronger evidence than it was placed with, so feeds never flip it.
 */
@Injectable()
export class OfferingRegistryService {
  async ensure(m: EntityManager, refs: OfferingRef[], source: string): Promise<EnsuredOfferings> {
    return this.apply(m, await this.resolve(m, refs, source), source);
  }

  async resolve(m: EntityManager, refs: OfferingRef[], source: string): Promise<IdentityPlan> {
    const byKey = new Map<string, { ref: OfferingRef; spellings: Set<string> }>();
    for (const r of refs) {
      const key = offeringKey(r.provider, r.providerModelId);
      const prev = byKey.get(key);
      if (prev) prev.spellings.add(r.providerModelId);
      else byKey.set(key, { ref: r, spellings: new Set([r.providerModelId]) });
    }
    const existing = await this.storedOfferings(m, byKey);
    const candidates = new Map<
      string,
      { hints: ModelCandidate[]; hintVia: string[]; hintHf: boolean[]; list: ModelCandidate[]; primary: number }
    >();
    const keys = new Set<string>();
    for (const [key, { ref }] of byKey) {
      const c = modelCandidates(ref.provider, canonicalOfferingId(ref.provider, ref.providerModelId));
      const hints = hintsOf(ref).filter((h) => linkFits(h, c.list));
      const hintCandidates = hints.map((h) => candidateOf(h.id));
      candidates.set(key, {
        hints: hintCandidates,
        hintVia: hints.map((h) => h.via),
        hintHf: hints.map((h) => Boolean(h.hf)),
        ...c,
      });
      for (const x of [...hintCandidates, ...c.list]) {
        const k = nameKey(x.name);
        keys.add(k);
        if (k.startsWith('llama')) keys.add(`meta${k}`);
      }
    }
    const models = await this.storedModels(m, [...keys]);
    const index = new ModelIndex(models);
    const plan: IdentityPlan = { offerings: new Map(), newModels: new Map(), modelAliases: new Map() };
    const now = new Date().toISOString();
    // Entries with the feed's own links first, then the makers' own offerings: others then find the models those
    // create, so a new model is named as its maker spells it (`gemini-2.5-flash`, not a reseller's `gemini-2-5-flash`).
    const rank = (key: string) => {
      const c = candidates.get(key);
      const ref = byKey.get(key)?.ref;
      const maker = c && ref ? sameCreator(ref.provider, c.list[c.primary]?.creator) : false;
      // Serving variants (`-Turbo`, `-fast`) last: they fold into the plain model when this run has made it.
      const serving = c?.list.some((x) => x.rules.some((r) => r.startsWith('serving variant'))) ? 4 : 0;
      return serving + (c?.hints.length ? 0 : 2) + (maker ? 0 : 1);
    };
    const order = [...byKey.keys()].sort((a, b) => rank(a) - rank(b));
    for (const key of order) {
      const { ref, spellings } = byKey.get(key) as { ref: OfferingRef; spellings: Set<string> };
      const found = existing.get(key) ?? null;
      const providerModelId = found ? found.provider_model_id : canonicalOfferingId(ref.provider, ref.providerModelId);
      const variant = offeringVariant(ref.provider, providerModelId);
      const resolved: ResolvedOffering = {
        key,
        provider: ref.provider,
        providerModelId,
        spellings: [...spellings].filter((s) => s !== providerModelId && !(found?.aliases ?? []).includes(s)),
        variant,
        contextWindow: ref.contextWindow ?? null,
        maxOutput: ref.maxOutput ?? null,
        existing: found
          ? {
              id: found.id,
              modelId: found.model_id,
              deleted: found.deleted,
              pinned: found.identity_pinned,
              aliases: found.aliases,
            }
          : null,
        modelId: found?.model_id ?? '',
        movesFrom: null,
        identity: found ? storedIdentity(found.identity) : { basis: 'new', reason: '', rules: [] },
        newModel: false,
        writeIdentity: false,
      };
      plan.offerings.set(key, resolved);
      if (found?.identity_pinned || found?.deleted) continue;
      const decision = this.decide(ref, candidates.get(key) as Parameters<OfferingRegistryService['decide']>[1], index);
      decision.identity.source = source;
      decision.identity.at = now;
      if (found) {
        // Stored offerings keep their model unless the evidence is stronger than what placed them.
        if (decision.modelId === found.model_id) {
          if (resolved.identity.basis === 'legacy') {
            resolved.identity = decision.identity;
            resolved.writeIdentity = true;
          }
          continue;
        }
        if (STRENGTH[decision.identity.basis] <= STRENGTH[resolved.identity.basis]) continue;
        resolved.movesFrom = found.model_id;
        resolved.writeIdentity = true;
      }
      resolved.modelId = decision.modelId;
      resolved.identity = decision.identity;
      if (decision.create) {
        resolved.newModel = true;
        if (!plan.newModels.has(decision.modelId)) {
          plan.newModels.set(decision.modelId, {
            id: decision.modelId,
            displayName: ref.displayName ?? decision.modelId.split('/')[1],
            contextWindow: ref.contextWindow ?? null,
            maxOutput: ref.maxOutput ?? null,
            aliases: [],
          });
          index.add({
            id: decision.modelId,
            aliases: [],
            identity_keys: [nameKey(decision.modelId)],
            offerings: 1,
            source,
            downloads: 0,
          });
        }
      }
      for (const alias of decision.aliases) {
        const target = plan.newModels.get(decision.modelId);
        if (target) {
          if (!target.aliases.includes(alias)) target.aliases.push(alias);
        } else if (!index.hasAlias(decision.modelId, alias)) {
          const set = plan.modelAliases.get(decision.modelId) ?? new Set<string>();
          set.add(alias);
          plan.modelAliases.set(decision.modelId, set);
        }
        index.addAlias(decision.modelId, alias);
      }
    }
    return plan;
  }

  /** The model one offering serves: the first candidate the catalog (or this run) knows, else a new one. */
  private decide(
    ref: OfferingRef,
    c: { hints: ModelCandidate[]; hintVia: string[]; hintHf: boolean[]; list: ModelCandidate[]; primary: number },
    index: ModelIndex,
  ): { modelId: string; create: boolean; identity: OfferingIdentity; aliases: string[] } {
    const aliases: string[] = [];
    const snapshotOf = c.list.find((x) => x.snapshot && x.snapshot !== 'latest');
    const snapshotName = snapshotOf ? c.list[0].name : null;
    for (let i = 0; i < c.hints.length; i++) {
      const hit = index.find(c.hints[i]);
      if (hit) {
        const spelled = c.hints[i].creator ? `${c.hints[i].creator}/${c.hints[i].name}` : c.hints[i].name;
        if (spelled.toLowerCase() !== hit.id.toLowerCase()) aliases.push(spelled);
        return {
          modelId: hit.id,
          create: false,
          identity: { basis: 'feed', reason: `${c.hintVia[i]} ${spelled}`, rules: [], alternatives: hit.alternatives },
          aliases,
        };
      }
    }
    for (const cand of c.list) {
      const hit = index.find(cand);
      if (hit) {
        if (snapshotName && cand.snapshot) aliases.push(snapshotName);
        return {
          modelId: hit.id,
          create: false,
          identity: {
            basis: 'name',
            reason: `${hit.how} ${hit.id} (from ${ref.providerModelId})`,
            rules: cand.rules,
            alternatives: hit.alternatives,
          },
          aliases,
        };
      }
    }
    // New: the feed's own link names it when it gives a full id (an HF repo), else the provider's id normalised.
    const h = c.hints.findIndex((x) => x.creator);
    const hinted = h >= 0 ? c.hints[h] : undefined;
    const cand = hinted ?? c.list[c.primary];
    const id = hinted
      ? c.hintHf[h]
        ? `${hinted.creator}/${hinted.name}`
        : newModelId(hinted, ref.provider)
      : newModelId(cand, ref.provider);
    if (snapshotName && cand.snapshot) aliases.push(snapshotName);
    return {
      modelId: id,
      create: true,
      identity: {
        basis: hinted ? 'feed' : 'new',
        reason: hinted ? `${c.hintVia[h]} ${id} (new model)` : `new model ${id} from ${ref.providerModelId}`,
        rules: hinted ? [] : cand.rules,
      },
      aliases,
    };
  }

  /** Writes a resolved plan: vendors, new models, model aliases, new offerings, moved offerings and their identity. */
  async apply(m: EntityManager, plan: IdentityPlan, source: string): Promise<EnsuredOfferings> {
    const created = { vendors: 0, models: 0, offerings: 0 };
    const all = [...plan.offerings.values()];
    const providers = [...new Set(all.map((r) => r.provider))];
    if (providers.length) {
      const vendors = await query<{ slug: string }>(
        m,
        `INSERT INTO vendors (slug, name, kinds)
         SELECT p, initcap(replace(p, '-', ' ')), ARRAY['provider'] FROM unnest($1::text[]) AS p
         ON CONFLICT (slug) DO NOTHING RETURNING slug`,
        [providers],
      );
      created.vendors = vendors.length;
    }
    if (plan.newModels.size) {
      const inserted = await query<{ id: string }>(
        m,
        `INSERT INTO models (id, author, display_name, context_window, max_output, aliases, source)
         SELECT d.id, split_part(d.id, '/', 1), d.name, d.ctx, d.max_out, d.aliases, $2
           FROM jsonb_to_recordset($1::jsonb) AS d(id text, name text, ctx int, max_out int, aliases text[])
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          JSON.stringify(
            [...plan.newModels.values()].map((n) => ({
              id: n.id,
              name: n.displayName,
              ctx: n.contextWindow,
              max_out: n.maxOutput,
              aliases: n.aliases,
            })),
          ),
          source,
        ],
      );
      created.models = inserted.length;
    }
    if (plan.modelAliases.size) {
      await execute(
        m,
        `UPDATE models m SET aliases = m.aliases || ARRAY(SELECT unnest(d.aliases) EXCEPT SELECT unnest(m.aliases)),
                updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS d(id text, aliases text[])
          WHERE m.id = d.id AND NOT m.aliases @> d.aliases`,
        [JSON.stringify([...plan.modelAliases].map(([id, set]) => ({ id, aliases: [...set] })))],
      );
    }
    const fresh = all.filter((r) => !r.existing);
    if (fresh.length) {
      const offerings = await query<{ id: string }>(
        m,
        `INSERT INTO offerings (model_id, provider_slug, provider_model_id, context_window, max_output, aliases, variant, identity)
         SELECT d.model_id, d.provider, d.pid, d.ctx, d.max_out, d.aliases, d.variant, d.identity
           FROM jsonb_to_recordset($1::jsonb)
             AS d(model_id text, provider text, pid text, ctx int, max_out int, aliases text[], variant text, identity jsonb)
         ON CONFLICT (provider_slug, provider_model_id) DO NOTHING RETURNING id`,
        [
          JSON.stringify(
            fresh.map((r) => ({
              model_id: r.modelId,
              provider: r.provider,
              pid: r.providerModelId,
              ctx: r.contextWindow,
              max_out: r.maxOutput,
              aliases: r.spellings,
              variant: r.variant,
              identity: r.identity,
            })),
          ),
        ],
      );
      created.offerings = offerings.length;
    }
    // Stored offerings: moved to a model on stronger evidence, new spellings, or an identity first recorded.
    const updates = all.filter((r) => r.existing && !r.existing.deleted && (r.writeIdentity || r.spellings.length > 0));
    let moved = 0;
    if (updates.length) {
      await execute(
        m,
        `UPDATE offerings o
            SET model_id = d.model_id, identity = d.identity, updated_at = now(),
                aliases = o.aliases || ARRAY(SELECT unnest(d.aliases) EXCEPT SELECT unnest(o.aliases))
           FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, model_id text, aliases text[], identity jsonb)
          WHERE o.id = d.id`,
        [
          JSON.stringify(
            updates.map((r) => ({
              id: r.existing?.id,
              model_id: r.modelId,
              aliases: r.spellings,
              identity: r.identity,
            })),
          ),
        ],
      );
      moved = updates.filter((r) => r.movesFrom !== null).length;
    }
    const merged = await this.mergeEmptied(
      m,
      updates.filter((r) => r.movesFrom !== null).map((r) => ({ from: r.movesFrom as string, to: r.modelId })),
    );
    // Keyed as the plan is (the feed's spelling, canonical), whatever spelling the stored offering has.
    const ids = new Map<string, string>();
    const models = new Map<string, string>();
    const deleted = new Set<string>();
    const rows = await query<{
      id: string;
      model_id: string;
      provider_slug: string;
      provider_model_id: string;
      deleted: boolean;
    }>(
      m,
      `SELECT o.id, o.model_id, o.provider_slug, o.provider_model_id, o.deleted_at IS NOT NULL AS deleted
         FROM offerings o
         JOIN unnest($1::text[], $2::text[]) AS k(provider, pid) ON o.provider_slug = k.provider AND o.provider_model_id = k.pid`,
      [all.map((r) => r.provider), all.map((r) => r.providerModelId)],
    );
    const stored = new Map(rows.map((r) => [`${r.provider_slug}|${r.provider_model_id}`, r]));
    for (const r of all) {
      const row = stored.get(`${r.provider}|${r.providerModelId}`);
      if (!row) continue;
      if (row.deleted) deleted.add(r.key);
      else {
        ids.set(r.key, row.id);
        models.set(r.key, row.model_id);
      }
    }
    return { ids, models, deleted, created, moved, merged };
  }

  /** Keeps the model an offering serves out of the public catalog (built-in helpers such as the local echo). */
  async unlistModelOf(m: EntityManager, offeringId: string): Promise<void> {
    await execute(
      m,
      `UPDATE models SET listed = false, updated_at = now()
        WHERE id = (SELECT model_id FROM offerings WHERE id = $1) AND listed`,
      [offeringId],
    );
  }

  /**
   * Hugging Face repos just imported adopt the models feeds made for the same weights before the Hub knew them
   * (`deepseek/deepseek-r1` for `deepseek-ai/DeepSeek-R1`: same name key, or HF's `Meta-` rename, same creator): the
   * feed-made model's offerings
   * move to the repo (operator-pinned ones stay), it is merged there, its id kept as an alias. Returns the merges.
   */
  async adoptHubModels(m: EntityManager, hubIds: string[]): Promise<{ from: string; to: string }[]> {
    if (!hubIds.length) return [];
    const pairs = await query<{ from_id: string; to_id: string }>(
      m,
      `SELECT s.id AS from_id, h.id AS to_id
         FROM models h
         -- The same name, or HF's rename of Meta-Llama-3.1-… to Llama-3.1-…
         JOIN models s ON s.identity_keys && ARRAY[mph_name_key(h.id), 'meta' || mph_name_key(h.id)]
                      AND mph_name_key(s.id) IN (mph_name_key(h.id), 'meta' || mph_name_key(h.id))
        WHERE h.id = ANY($1::text[]) AND h.deleted_at IS NULL AND h.source = 'huggingface'
          AND s.id <> h.id AND s.deleted_at IS NULL AND s.source NOT IN ('manual', 'demo', 'huggingface')
          AND s.hf_created_at IS NULL`,
      [hubIds],
    );
    const moves = pairs
      .filter((p) => sameCreator(p.from_id.split('/')[0], p.to_id.split('/')[0]))
      .map((p) => ({ from: p.from_id, to: p.to_id }));
    // One target per feed-made model (two repos of one name and creator would be ambiguous: leave those alone).
    const targets = new Map<string, string[]>();
    for (const mv of moves) targets.set(mv.from, [...(targets.get(mv.from) ?? []), mv.to]);
    const clear = moves.filter((mv) => targets.get(mv.from)?.length === 1);
    if (!clear.length) return [];
    await execute(
      m,
      `UPDATE offerings o
          SET model_id = d.to_id, updated_at = now(),
              identity = o.identity || jsonb_build_object('basis', 'feed', 'moved_from', d.from_id,
                'reason', 'Hugging Face repo ' || d.to_id || ' (adopted ' || d.from_id || ')')
         FROM jsonb_to_recordset($1::jsonb) AS d(from_id text, to_id text)
        WHERE o.model_id = d.from_id AND NOT o.identity_pinned`,
      [JSON.stringify(clear.map((c) => ({ from_id: c.from, to_id: c.to })))],
    );
    await this.mergeEmptied(m, clear);
    return clear;
  }

  /**
   * Models a sync made that lost every offering to a stronger identity are merged into where those went: soft-deleted,
   * `merged_into` set, their id kept as an alias there (so clients' old spellings still resolve).
   */
  private async mergeEmptied(m: EntityManager, moves: { from: string; to: string }[]): Promise<number> {
    if (!moves.length) return 0;
    const rows = await query<{ id: string; into: string }>(
      m,
      `WITH mv AS (SELECT DISTINCT ON (d.from_id) d.from_id, d.to_id
                     FROM jsonb_to_recordset($1::jsonb) AS d(from_id text, to_id text) ORDER BY d.from_id, d.to_id),
            gone AS (
              UPDATE models mo SET deleted_at = now(), merged_into = mv.to_id, updated_at = now()
                FROM mv
               WHERE mo.id = mv.from_id AND mo.deleted_at IS NULL AND mo.source NOT IN ('manual', 'demo', 'huggingface')
                 AND mo.hf_created_at IS NULL AND mo.downloads = 0
                 AND NOT EXISTS (SELECT 1 FROM offerings o WHERE o.model_id = mo.id AND o.deleted_at IS NULL)
              RETURNING mo.id, mv.to_id AS into, mo.aliases)
       UPDATE models t
          SET aliases = t.aliases || ARRAY(SELECT unnest(array_prepend(gone.id, gone.aliases))
                                           EXCEPT SELECT unnest(t.aliases) EXCEPT SELECT t.id),
              updated_at = now()
         FROM gone WHERE t.id = gone.into
       RETURNING gone.id, gone.into`,
      [JSON.stringify(moves.map((x) => ({ from_id: x.from, to_id: x.to })))],
    );
    return rows.length;
  }

  private async storedOfferings(
    m: EntityManager,
    byKey: Map<string, { ref: OfferingRef; spellings: Set<string> }>,
  ): Promise<Map<string, StoredOffering>> {
    const provider: string[] = [];
    const spelling: string[] = [];
    const key: string[] = [];
    for (const [k, { ref, spellings }] of byKey) {
      for (const s of new Set([canonicalOfferingId(ref.provider, ref.providerModelId), ...spellings])) {
        provider.push(ref.provider);
        spelling.push(s);
        key.push(k);
      }
    }
    if (!key.length) return new Map();
    const rows = await query<StoredOffering & { k: string; exact: boolean }>(
      m,
      `SELECT k.k, o.provider_model_id = k.pid AS exact, o.id::text AS id, o.provider_model_id, o.model_id,
              o.deleted_at IS NOT NULL AS deleted, o.identity_pinned, o.aliases, o.identity
         FROM unnest($1::text[], $2::text[], $3::text[]) AS k(provider, pid, k)
         JOIN offerings o ON o.provider_slug = k.provider AND (o.provider_model_id = k.pid OR o.aliases @> ARRAY[k.pid])
        ORDER BY o.deleted_at IS NOT NULL, (o.provider_model_id = k.pid) DESC, o.created_at`,
      [provider, spelling, key],
    );
    const out = new Map<string, StoredOffering>();
    for (const r of rows) if (!out.has(r.k)) out.set(r.k, r);
    return out;
  }

  private async storedModels(m: EntityManager, keys: string[]): Promise<StoredModel[]> {
    if (!keys.length) return [];
    return query<StoredModel>(
      m,
      `SELECT mo.id, mo.aliases, mo.identity_keys, mo.source, mo.downloads::float8 AS downloads,
              (SELECT count(*)::int FROM offerings o WHERE o.model_id = mo.id AND o.deleted_at IS NULL) AS offerings
         FROM models mo WHERE mo.identity_keys && $1::text[] AND mo.deleted_at IS NULL`,
      [keys],
    );
  }
}

/** The feed's links for an offering, strongest first. */
function hintsOf(ref: OfferingRef): ModelHint[] {
  const out: ModelHint[] = [];
  if (ref.modelHint) out.push({ id: ref.modelHint, via: 'id rule' });
  for (const h of ref.modelHints ?? []) if (h.id && !out.some((o) => o.id === h.id)) out.push(h);
  return out;
}

/** What may follow a model's name in a provider's id of the same model: dates, versions, serving and quantization tags. */
const SAME_MODEL_TAIL =
  /^(?:\d+|v\d+|fast|turbo|lite|fp8|fp16|bf16|int8|int4|awq|instruct|chat|it|latest|preview|tee|maas|free|hf)*$/;

/**
 * models.dev's `base_model` means "inherits this file's fields", which it also uses for distills and relatives (the
 * R1 distill of Qwen 32B inherits from DeepSeek R1): such a link identifies the model only when the offering's own
 * name is the linked name, possibly with a date, version, serving or quantization tag after it.
 */
function linkFits(hint: ModelHint, own: ModelCandidate[]): boolean {
  if (!hint.via.startsWith('models.dev')) return true;
  const linked = nameKey(candidateOf(hint.id).name);
  return own.some((c) => {
    const key = nameKey(c.name);
    return key === linked || (key.startsWith(linked) && SAME_MODEL_TAIL.test(key.slice(linked.length)));
  });
}

function candidateOf(id: string): ModelCandidate {
  const repo = hfRepoId(id);
  const [creator, name] = repo ? repo.split('/') : [null, id.slice(id.lastIndexOf('/') + 1)];
  return { creator, name, snapshot: null, rules: [] };
}

function storedIdentity(raw: Record<string, unknown>): OfferingIdentity {
  const basis = raw?.['basis'];
  if (typeof basis === 'string' && basis in STRENGTH) return raw as unknown as OfferingIdentity;
  return { basis: 'legacy', reason: 'placed before identities were recorded', rules: [] };
}

/** The catalog models a feed's candidates may name, by id, alias and name key, plus the ones this run creates. */
class ModelIndex {
  private readonly byLowerId = new Map<string, StoredModel>();
  private readonly byAlias = new Map<string, StoredModel[]>();
  private readonly byKey = new Map<string, StoredModel[]>();

  constructor(models: StoredModel[]) {
    for (const mo of models) this.add(mo);
  }

  add(mo: StoredModel): void {
    this.byLowerId.set(mo.id.toLowerCase(), mo);
    for (const a of mo.aliases) this.indexAlias(mo, a);
    // HF renamed `Meta-Llama-3.1-…` repos to `Llama-3.1-…`: a model is found by either spelling.
    const keys = [...mo.identity_keys, nameKey(mo.id)];
    for (const k of new Set([...keys, ...keys.map((x) => x.replace(/^metallama/, 'llama'))])) {
      const list = this.byKey.get(k) ?? [];
      if (!list.includes(mo)) list.push(mo);
      this.byKey.set(k, list);
    }
  }

  hasAlias(id: string, alias: string): boolean {
    return this.byLowerId.get(id.toLowerCase())?.aliases.includes(alias) ?? false;
  }

  addAlias(id: string, alias: string): void {
    const mo = this.byLowerId.get(id.toLowerCase());
    if (!mo || mo.aliases.includes(alias)) return;
    mo.aliases.push(alias);
    this.indexAlias(mo, alias);
    const k = nameKey(alias);
    const list = this.byKey.get(k) ?? [];
    if (!list.includes(mo)) list.push(mo);
    this.byKey.set(k, list);
  }

  private indexAlias(mo: StoredModel, alias: string): void {
    const a = alias.toLowerCase();
    const list = this.byAlias.get(a) ?? [];
    if (!list.includes(mo)) list.push(mo);
    this.byAlias.set(a, list);
  }

  /**
   * The model a candidate names: its full id or alias (case-insensitive), else its name key among models of the same
   * creator (or, with no creator known, the one most offered, then most downloaded).
   */
  find(c: ModelCandidate): { id: string; how: string; alternatives?: string[] } | null {
    const full = c.creator ? `${c.creator}/${c.name}`.toLowerCase() : null;
    if (full) {
      const byId = this.byLowerId.get(full);
      if (byId) return { id: byId.id, how: 'model id' };
      const slug = creatorSlug(c.creator);
      if (slug) {
        const bySlug = this.byLowerId.get(`${slug}/${c.name}`.toLowerCase());
        if (bySlug) return { id: bySlug.id, how: 'model id' };
      }
      const alias = this.byAlias.get(full);
      if (alias?.length) return { id: alias[0].id, how: 'alias' };
    }
    const key = nameKey(c.name);
    const sameName = (this.byKey.get(key) ?? []).filter((mo) => !c.creator || this.creatorMatches(mo, c.creator));
    if (!sameName.length) return null;
    const ranked = [...sameName].sort(
      (a, b) => b.offerings - a.offerings || b.downloads - a.downloads || a.id.localeCompare(b.id),
    );
    return {
      id: ranked[0].id,
      how: 'same name as',
      alternatives: ranked.length > 1 ? ranked.slice(1, 6).map((x) => x.id) : undefined,
    };
  }

  private creatorMatches(mo: StoredModel, creator: string): boolean {
    if (sameCreator(mo.id.split('/')[0], creator)) return true;
    return mo.aliases.some((a) => a.includes('/') && sameCreator(a.split('/')[0], creator));
  }
}
