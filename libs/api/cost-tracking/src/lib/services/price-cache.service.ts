import { Injectable } from '@nestjs/common';
import { CATALOG_PRICE_TABLES, DataChanges, DomainError } from '@mph/api-core';
import type { PriceVersionDto } from '@mph/api-catalog';
import { PriceReadService } from '@mph/api-pricing';
import { MatchedOffering, ModelMatcherService } from './model-matcher.service';

export interface Dated {
  v: PriceVersionDto;
  from: number;
  to: number;
}

/** A batch's prices, answered without awaiting (see PriceCache.snapshot). */
export interface PriceSnapshot {
  match(provider: string, model: string): MatchedOffering | DomainError;
  versionAt(offeringId: string, at: Date, serviceTier: string, region: string): PriceVersionDto | null;
}

/** Versions with their validity as epoch milliseconds, parsed once. */
export function dated(versions: PriceVersionDto[]): Dated[] {
  return versions.map((v) => ({
    v,
    from: Date.parse(v.effective_from),
    to: v.effective_to ? Date.parse(v.effective_to) : Infinity,
  }));
}

/** The version in force at `at` for a tier: the region's own, else the global ('') one. */
export function pick(history: Dated[], at: Date, serviceTier: string, region: string): PriceVersionDto | null {
  const t = at.getTime();
  let version: PriceVersionDto | null = null;
  for (const h of history) {
    if (h.v.service_tier !== serviceTier || h.from > t || h.to <= t) continue;
    if (h.v.region === region) return h.v;
    if (h.v.region === '' && !version) version = h.v;
  }
  return version;
}

/** Enough for every (provider, model) spelling and offering a busy deployment sees; past it the cache starts over. */
const MAX_ENTRIES = 20_000;

/**
 * Model matches and price histories kept in memory for the hot paths (usage ingest, the gateway), so pricing a call
 * costs no database round trip. Entries are dropped as soon as any instance commits a change to offerings, models,
 * prices or match rules (DataChanges); while that feed is down nothing is served from memory.
 */
@Injectable()
export class PriceCache {
  private readonly matches = new Map<string, MatchedOffering | DomainError>();
  private readonly histories = new Map<string, Dated[]>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly matcher: ModelMatcherService,
    private readonly prices: PriceReadService,
    private readonly changes: DataChanges,
  ) {
    changes.subscribe((table) => {
      if (table !== null && !CATALOG_PRICE_TABLES.has(table)) return;
      this.matches.clear();
      this.histories.clear();
    });
  }

  /** The offering for a provider + model as a client spells them; throws MODEL_NOT_MATCHED like the matcher. */
  async match(provider: string, model: string): Promise<MatchedOffering> {
    const hit = await this.matchOrError(provider, model);
    if (hit instanceof DomainError) throw hit;
    return hit;
  }

  /** The version in force for an offering at an instant, tier and region (the region's own, else the global one). */
  async versionAt(offeringId: string, at: Date, serviceTier: string, region: string): Promise<PriceVersionDto | null> {
    return pick(await this.history(offeringId), at, serviceTier, region);
  }

  /**
   * Everything needed to price a batch of calls, loaded once (one await per distinct model and offering instead of
   * one per call), then answered synchronously.
   */
  async snapshot(pairs: Iterable<readonly [provider: string, model: string]>): Promise<PriceSnapshot> {
    const matches = new Map<string, MatchedOffering | DomainError>();
    const histories = new Map<string, Dated[]>();
    for (const [provider, model] of pairs) {
      const key = `${provider}\u0000${model}`;
      if (matches.has(key)) continue;
      const m = await this.matchOrError(provider, model);
      matches.set(key, m);
      if (!(m instanceof DomainError) && !histories.has(m.offering_id)) {
        histories.set(m.offering_id, await this.history(m.offering_id));
      }
    }
    return {
      match: (provider, model) => {
        const m = matches.get(`${provider}\u0000${model}`);
        if (!m) throw new Error(`snapshot: ${provider} ${model} was not loaded`);
        return m;
      },
      versionAt: (offeringId, at, serviceTier, region) =>
        pick(histories.get(offeringId) ?? [], at, serviceTier, region),
    };
  }

  private async matchOrError(provider: string, model: string): Promise<MatchedOffering | DomainError> {
    const key = `${provider}\u0000${model}`;
    let hit = this.changes.live ? this.matches.get(key) : undefined;
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const generation = this.changes.generation;
    try {
      hit = await this.matcher.match(provider, model);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      hit = err;
    }
    this.remember(this.matches, key, hit, generation);
    return hit;
  }

  private async history(offeringId: string): Promise<Dated[]> {
    const cached = this.changes.live ? this.histories.get(offeringId) : undefined;
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
