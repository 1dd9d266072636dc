import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CatalogMatchVia, OfferingDirectoryService, OfferingInfo, PriceVersionDto } from '@mph/api-catalog';
import { CATALOG_PRICE_TABLES, DataChanges, DomainError, query } from '@mph/api-core';
import {
  calculateCost,
  CostResult,
  ExtractionError,
  matchCandidates,
  matchesClause,
  routeProvider,
  RateComponent,
  UnknownPriceError,
  Usage,
  UsageError,
} from '@mph/cost-engine';
import { DataSource } from 'typeorm';
import { providerSlug } from '../sync/adapters/feed-record';
import { PriceReadService } from '../services/price-read.service';
import { Dated, dated, pickInForce } from './in-force';

/** Why a client's spelling is this offering. */
export interface MatchReason {
  /**
   * `provider_model_id`: the provider's own id; `model_id` / `alias`: a catalog model (or alias) the provider offers;
   * `match_rule`: a feed's match clause (genai-prices); `offering`: the caller named the offering itself.
   */
  via: CatalogMatchVia | 'match_rule' | 'offering' | 'provider_fallback' | 'size_bucket';
  /** The spelling that matched (the model as sent, or a normalized form of it). */
  spelling: string;
  /** Whether the spelling is a normalized form (prefix, region profile, date or `-latest` removed). */
  normalized: boolean;
  /** For `match_rule` / `provider_fallback`: the sync source that stated the rule. */
  rule_source?: string;
  /** For `provider_fallback`: the provider whose offering's price applies (the call stays the provider asked for). */
  priced_as?: string;
}

export interface OfferingMatch {
  offering_id: string;
  provider: string;
  provider_model_id: string;
  model_id: string;
  reason: MatchReason;
}

export interface PriceConditions {
  serviceTier?: string;
  region?: string;
  /** Price with this sync source's latest report for the offering instead of the versions in force. */
  source?: string;
}

/** The price that applies to a call: a version in force, or a source's latest observation. */
export interface PriceInForce {
  currency: string;
  components: RateComponent[];
  /** The version in force (null when priced from a source's observation). */
  version: PriceVersionDto | null;
  /** `manual`, a sync source's name, or the `source` asked for. */
  source: string;
  /** Since when this price was in force (the version's, or the date the feed states); null when the feed gives none. */
  effective_from: string | null;
  /** Until when (null: still in force). */
  effective_to: string | null;
}

/** A usage priced: what the estimate answers. */
export interface Quote {
  match: OfferingMatch;
  price: PriceInForce;
  at: Date;
  cost: CostResult;
}

/** The cost of one usage as recorded on a usage event: a total, or the reason it is unknown. */
export interface UsageCost {
  offering: OfferingMatch | null;
  total: string | null;
  breakdown: Record<string, string> | null;
  currency: string;
  versionId: string | null;
  error: string | null;
}

/** Everything needed to price a batch of calls, loaded once, answered synchronously. */
export interface PriceSnapshot {
  resolve(provider: string, model: string): OfferingMatch | DomainError;
  priceAt(offeringId: string, at: Date, serviceTier: string, region: string): PriceInForce | null;
}

/** Maps the engine's errors to the API's: bad usage 400, unknown price 422, unreadable response 422. */
export function engineError(e: unknown): never {
  if (e instanceof UsageError) {
    throw DomainError.badRequest('VALIDATION_FAILED', e.message, [
      { field: `usage.${e.field ?? ''}`, problems: [e.message] },
    ]);
  }
  if (e instanceof UnknownPriceError) throw DomainError.unprocessable('PRICE_UNKNOWN', e.message, { units: e.units });
  if (e instanceof ExtractionError) throw DomainError.unprocessable('EXTRACTION_FAILED', e.message);
  throw e;
}

/** Enough for every (provider, model) spelling and offering a busy deployment sees; past it the cache starts over. */
const MAX_ENTRIES = 20_000;

const fromVersion = (v: PriceVersionDto): PriceInForce => ({
  currency: v.currency,
  components: v.components as RateComponent[],
  version: v,
  source: v.source,
  effective_from: v.effective_from,
  effective_to: v.effective_to,
});

/**
 * The money path's one door: which offering a client means, which price was in force, what a usage cost. The
 * estimate, usage ingest, the gateway and chat, re-pricing, MCP and the CLI ask here; nothing outside the pricing lib
 * reads price versions, components, match rules or sync observations.
 *
 * Matches and price histories are kept in memory so that pricing a call costs no database round trip; entries are
 * dropped as soon as any instance commits a change to the catalog or price tables (DataChanges), and while that feed
 * is down nothing is served from memory.
 */
@Injectable()
export class PricingReadModel {
  private readonly matches = new Map<string, OfferingMatch | DomainError>();
  private readonly histories = new Map<string, Dated[]>();
  /** Every feed's match rules, for calls that name no provider (null: not read since the last change). */
  private allRules: { provider_slug: string; rule: unknown }[] | null = null;
  hits = 0;
  misses = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly offerings: OfferingDirectoryService,
    private readonly prices: PriceReadService,
    private readonly changes: DataChanges,
  ) {
    changes.subscribe((table) => {
      if (table !== null && !CATALOG_PRICE_TABLES.has(table)) return;
      this.matches.clear();
      this.histories.clear();
      this.allRules = null;
    });
  }

  /** The offering a provider + model (as a client spells them) names, with the reason; 404 MODEL_NOT_MATCHED. */
  async resolve(provider: string, model: string): Promise<OfferingMatch> {
    const hit = await this.resolveOrError(provider, model);
    if (hit instanceof DomainError) throw hit;
    return hit;
  }

  /** A live offering named by its id (a gateway route bound to it, a model page's row); 404 OFFERING_NOT_FOUND. */
  async offering(offeringId: string): Promise<OfferingMatch> {
    const hit = await this.offeringOrError(offeringId);
    if (hit instanceof DomainError) throw hit;
    return hit;
  }

  /** `resolve` without throwing: the match, or the MODEL_NOT_MATCHED error (a call still happens, unpriced). */
  async resolveOrError(providerRaw: string, model: string): Promise<OfferingMatch | DomainError> {
    return this.cached(`${providerRaw}\u0000${model}`, async () => {
      const provider = providerRaw.trim() ? providerSlug(providerRaw) : await this.inferProvider(model);
      if (!provider) {
        return DomainError.notFound(
          'MODEL_NOT_MATCHED',
          `No model "${model}" is known to any provider. Give the provider, or check the model id.`,
          { provider: null, model },
        );
      }
      return this.match(provider, model);
    });
  }

  /**
   * The provider a call means when the client names none (genai-prices' and LiteLLM's users often do not): the
   * LiteLLM route prefix (`gemini/…`), else the provider serving the named model (its creator first), else the
   * provider of a feed's match rule that knows the spelling.
   */
  private async inferProvider(model: string): Promise<string | null> {
    const route = routeProvider(model);
    if (route) return providerSlug(route);
    const candidates = matchCandidates('', model);
    const serving = await this.offerings.providerServing(candidates);
    if (serving) return serving;
    // A spelling only a feed's match rule knows (Fireworks' `accounts/fireworks/models/…`): that rule's provider.
    // The rules are read once and kept until the catalog or price tables change (anonymous callers reach here).
    const generation = this.changes.generation;
    let rules = this.changes.live ? this.allRules : null;
    if (!rules) {
      rules = await query<{ provider_slug: string; rule: unknown }>(
        this.dataSource,
        `SELECT r.provider_slug, r.rule FROM offering_match_rules r ORDER BY r.position, r.provider_slug`,
      );
      if (this.changes.live && this.changes.generation === generation) this.allRules = rules;
    }
    return rules.find((r) => candidates.some((c) => matchesClause(r.rule, c)))?.provider_slug ?? null;
  }

  /** `offering` without throwing. */
  async offeringOrError(offeringId: string): Promise<OfferingMatch | DomainError> {
    return this.cached(`#${offeringId}`, async () => {
      const o = await this.offerings.byId(offeringId);
      if (!o) return DomainError.notFound('OFFERING_NOT_FOUND', `No offering ${offeringId}.`);
      return asMatch(o, { via: 'offering', spelling: o.provider_model_id, normalized: false });
    });
  }

  /**
   * The price that applied to an offering at an instant under a service tier and region (the region's own, else
   * the default one), or, with `source`, that source's latest report. Null when unknown (never free).
   */
  async priceAt(offeringId: string, at: Date, conditions: PriceConditions = {}): Promise<PriceInForce | null> {
    const tier = conditions.serviceTier ?? 'standard';
    const region = conditions.region ?? '';
    if (conditions.source !== undefined) return this.observed(conditions.source, offeringId, tier, region, at);
    const v = pickInForce(await this.history(offeringId), at, tier, region);
    return v ? fromVersion(v) : null;
  }

  /** The cost of a usage at a price (the cost engine); throws the engine's errors (see `engineError`). */
  cost(usage: Usage, price: Pick<PriceInForce, 'currency' | 'components'>, at: Date): CostResult {
    return calculateCost(usage, { currency: price.currency, components: price.components }, at);
  }

  /**
   * The estimate: resolve, find the price, compute. 404 when no offering matches, 422 PRICE_UNKNOWN when no price
   * applies or a used part has no rate, 400 for a malformed usage.
   */
  async quote(input: {
    provider?: string;
    model?: string;
    offeringId?: string;
    usage: Usage;
    at?: Date;
    conditions?: PriceConditions;
  }): Promise<Quote> {
    const at = input.at ?? new Date();
    const conditions = input.conditions ?? {};
    const match = input.offeringId
      ? await this.offering(input.offeringId)
      : await this.resolve(input.provider ?? '', input.model ?? '');
    const price = await this.priceAt(match.offering_id, at, conditions);
    if (!price) {
      const tier = conditions.serviceTier ?? 'standard';
      throw DomainError.unprocessable(
        'PRICE_UNKNOWN',
        conditions.source !== undefined
          ? `The source "${conditions.source}" states no price for ${match.provider} ${match.provider_model_id} ` +
              `in force at ${at.toISOString()} (none at all, or none that early).`
          : `No ${tier} price of ${match.provider} ${match.provider_model_id} is known at ${at.toISOString()}: ` +
              'the cost is unknown, not zero.',
        { offering_id: match.offering_id },
      );
    }
    try {
      return { match, price, at, cost: this.cost(input.usage, price, at) };
    } catch (e) {
      return engineError(e);
    }
  }

  /**
   * The cost recorded on a usage event: `cached` answers cost 0 (no provider was paid), an unmatched model or an
   * unknown price leaves the total null with the reason.
   */
  usageCost(
    match: OfferingMatch | DomainError,
    price: PriceInForce | null,
    call: { usage: Usage; at: Date; serviceTier: string; status: string },
  ): UsageCost {
    const offering = match instanceof DomainError ? null : match;
    const none = { offering, total: null, breakdown: null, currency: 'USD', versionId: null };
    if (call.status === 'cached') return { ...none, total: '0', breakdown: {}, error: null };
    if (match instanceof DomainError) return { ...none, error: match.message };
    if (!price) return { ...none, error: `no ${call.serviceTier} price known at ${call.at.toISOString()}` };
    const versionId = price.version?.id ?? null;
    try {
      const r = this.cost(call.usage, price, call.at);
      return { offering, total: r.total, breakdown: r.breakdown, currency: r.currency, versionId, error: null };
    } catch (err) {
      const error = err instanceof UnknownPriceError ? err.message : String(err);
      return { ...none, currency: price.currency, versionId, error };
    }
  }

  /**
   * Everything needed to price a batch, loaded once (one await per distinct spelling and offering, none per call).
   * `fresh` reads the database instead of the cache (re-pricing right after a correction).
   */
  async snapshot(
    pairs: Iterable<readonly [provider: string, model: string]>,
    offeringIds: Iterable<string> = [],
    options: { fresh?: boolean } = {},
  ): Promise<PriceSnapshot> {
    const matches = new Map<string, OfferingMatch | DomainError>();
    const histories = new Map<string, Dated[]>();
    const load = async (id: string) => {
      if (!histories.has(id)) histories.set(id, await this.history(id, options.fresh));
    };
    for (const [provider, model] of pairs) {
      const key = `${provider}\u0000${model}`;
      if (matches.has(key)) continue;
      const m = await this.resolveOrError(provider, model);
      matches.set(key, m);
      if (!(m instanceof DomainError)) await load(m.offering_id);
    }
    for (const id of offeringIds) await load(id);
    return {
      resolve: (provider, model) => {
        const m = matches.get(`${provider}\u0000${model}`);
        if (!m) throw new Error(`snapshot: ${provider} ${model} was not loaded`);
        return m;
      },
      priceAt: (offeringId, at, serviceTier, region) => {
        const v = pickInForce(histories.get(offeringId) ?? [], at, serviceTier, region);
        return v ? fromVersion(v) : null;
      },
    };
  }

  private async cached(
    key: string,
    load: () => Promise<OfferingMatch | DomainError>,
  ): Promise<OfferingMatch | DomainError> {
    let hit = this.changes.live ? this.matches.get(key) : undefined;
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const generation = this.changes.generation;
    hit = await load();
    this.remember(this.matches, key, hit, generation);
    return hit;
  }

  /**
   * Provider + model as clients send them → an offering. Providers are accepted as the feeds spell them (`aws`,
   * `gemini`, `vertex_ai`, `x-ai`, …); model ids are tried literally, then normalized (provider prefixes, Bedrock
   * region profiles, Vertex `@date`, date suffixes, `-latest`), first as the provider's own id, then through the match
   * rules feeds state (genai-prices, in feed order), then as a catalog model id or alias the provider offers; last, a
   * feed's provider fallback (Azure priced as OpenAI for a model it does not list).
   */
  private async match(provider: string, model: string, viaFallback = false): Promise<OfferingMatch | DomainError> {
    const candidates = matchCandidates(provider, model);
    const direct = await this.offerings.find(provider, candidates, 'provider_model_id');
    if (direct) {
      return asMatch(direct.offering, {
        via: direct.via,
        spelling: direct.spelling,
        normalized: direct.spelling !== model.trim(),
      });
    }
    // A feed's own rule for this spelling beats "some offering of the same model" (Bedrock's regional and global
    // profiles of one Claude are offerings of one model at different prices; genai-prices' rules tell them apart).
    const rules = await query<{ offering_id: string; rule: unknown; source: string }>(
      this.dataSource,
      `SELECT r.offering_id::text AS offering_id, r.rule, r.source FROM offering_match_rules r
        WHERE r.provider_slug = $1 ORDER BY r.position, r.source`,
      [provider],
    );
    const hits = rules
      .map((r) => ({ r, spelling: candidates.find((c) => matchesClause(r.rule, c)) }))
      .filter((h) => h.spelling !== undefined);
    if (hits.length) {
      const live = await this.offerings.byIds(hits.map((h) => h.r.offering_id));
      const hit = hits.find((h) => live.has(h.r.offering_id));
      if (hit) {
        return asMatch(live.get(hit.r.offering_id) as OfferingInfo, {
          via: 'match_rule',
          spelling: hit.spelling as string,
          normalized: hit.spelling !== model.trim(),
          rule_source: hit.r.source,
        });
      }
    }
    const found = await this.offerings.find(provider, candidates, 'model');
    if (found) {
      return asMatch(found.offering, {
        via: found.via,
        spelling: found.spelling,
        normalized: found.spelling !== model.trim(),
      });
    }
    const bucket = provider === 'together' ? togetherBucket(model) : null;
    if (bucket) {
      // Together prices models it does not list by parameter count (LiteLLM's `together-ai-4.1b-8b` buckets).
      const hit = await this.offerings.find(provider, [bucket], 'provider_model_id');
      if (hit) return asMatch(hit.offering, { via: 'size_bucket', spelling: bucket, normalized: true });
    }
    if (!viaFallback) {
      // A feed says this provider prices models it does not list as another one does (Azure as OpenAI).
      const fallbacks = await query<{ fallback_slug: string; source: string }>(
        this.dataSource,
        `SELECT f.fallback_slug, f.source FROM provider_fallbacks f
           LEFT JOIN sync_sources s ON s.name = f.source
          WHERE f.provider_slug = $1 AND s.deleted_at IS NULL
          ORDER BY f.source, f.position`,
        [provider],
      );
      for (const f of fallbacks) {
        const hit = await this.match(f.fallback_slug, model, true);
        if (hit instanceof DomainError) continue;
        // The call was made to the provider asked for (spend stays Azure's); only its price is the other's.
        return {
          ...hit,
          provider,
          reason: { ...hit.reason, via: 'provider_fallback', rule_source: f.source, priced_as: hit.provider },
        };
      }
    }
    return DomainError.notFound(
      'MODEL_NOT_MATCHED',
      `No offering of "${provider}" matches "${model}" (tried ${candidates.map((c) => `"${c}"`).join(', ')}). ` +
        'Check the provider and model id, or add the offering (or an alias) in the catalog.',
      { provider, model, tried: candidates },
    );
  }

  /**
   * What a sync source said was in force at `at`: from the dated prices it states when it states several (the last
   * one starting at or before `at`; none before its first date), else its latest report.
   */
  private async observed(
    source: string,
    offeringId: string,
    tier: string,
    region: string,
    at: Date,
  ): Promise<PriceInForce | null> {
    const [row] = await query<{
      currency: string;
      components: RateComponent[];
      history: { effective_from: string; currency: string; components: RateComponent[] }[] | null;
    }>(
      this.dataSource,
      `SELECT o.currency, o.components, o.history FROM sync_observations o JOIN sync_sources s ON s.id = o.source_id
        WHERE s.name = $1 AND s.deleted_at IS NULL AND o.offering_id = $2 AND o.service_tier = $3 AND o.region = $4`,
      [source, offeringId, tier, region],
    );
    if (!row) return null;
    if (!row.history?.length) {
      return {
        currency: row.currency.trim(),
        components: row.components,
        version: null,
        source,
        effective_from: null,
        effective_to: null,
      };
    }
    const t = at.getTime();
    let i = -1;
    row.history.forEach((h, k) => {
      if (Date.parse(h.effective_from) <= t) i = k;
    });
    if (i < 0) return null;
    const h = row.history[i];
    const next = row.history[i + 1];
    return {
      currency: h.currency.trim(),
      components: h.components,
      version: null,
      source,
      effective_from: h.effective_from,
      effective_to: next ? next.effective_from : null,
    };
  }

  private async history(offeringId: string, fresh = false): Promise<Dated[]> {
    const cached = this.changes.live && !fresh ? this.histories.get(offeringId) : undefined;
    if (cached) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const generation = this.changes.generation;
    const history = dated(await this.prices.history(offeringId));
    this.remember(this.histories, offeringId, history, generation);
    return history;
  }

  /** Stores what was read unless a change arrived meanwhile (the read may predate it) or the feed is down. */
  private remember<T>(map: Map<string, T>, key: string, value: T, generation: number): void {
    if (!this.changes.live || this.changes.generation !== generation) return;
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, value);
  }
}

/** LiteLLM's Together price buckets by parameter count, largest size included in each. */
const TOGETHER_BUCKETS: [number, string][] = [
  [4, 'together-ai-up-to-4b'],
  [8, 'together-ai-4.1b-8b'],
  [21, 'together-ai-8.1b-21b'],
  [41, 'together-ai-21.1b-41b'],
  [80, 'together-ai-41.1b-80b'],
  [110, 'together-ai-81.1b-110b'],
];

/** The bucket of a model named with its size (`Llama-3-8b-chat-hf` → 8B, `Mixtral-8x7B` → 56B), or null. */
export function togetherBucket(model: string): string | null {
  const name = model.toLowerCase();
  const moe = /(\d+)x(\d+(?:\.\d+)?)b(?![a-z])/.exec(name);
  const plain = /(\d+(?:\.\d+)?)b(?![a-z])/.exec(name);
  const size = moe ? Number(moe[1]) * Number(moe[2]) : plain ? Number(plain[1]) : NaN;
  if (!Number.isFinite(size) || size <= 0) return null;
  return TOGETHER_BUCKETS.find(([max]) => size <= max)?.[1] ?? null;
}

function asMatch(o: OfferingInfo, reason: MatchReason): OfferingMatch {
  return {
    offering_id: o.id,
    provider: o.provider,
    provider_model_id: o.provider_model_id,
    model_id: o.model_id,
    reason,
  };
}
