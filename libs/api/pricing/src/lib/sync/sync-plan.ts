import { offeringKey, OfferingDirectoryService, OfferingRegistryService } from '@mph/api-catalog';
import type { IdentityPlan, OfferingRef, PriceVersionDto } from '@mph/api-catalog';
import { query } from '@mph/api-core';
import { EntityManager } from 'typeorm';
import { Money } from '../decimal';
import type { ServiceTier } from '../entities';
import { VERSION_SQL, VersionRow, versionDto } from '../services/price-read.service';
import { ComponentChange, diffComponents, NewComponent, normaliseComponents } from '../services/price-writer';
import type { CapabilityFacts, FeedParseResult, FeedRecord } from './adapters/feed-record';
import { guardPlan, HeldPrice, loadGuardContext } from './sanity-guard';

/** Undated prices seen for the first time count "since the feed's first record": history starts at the epoch. */
export const FIRST_RECORD = '1970-01-01T00:00:00.000Z';

export interface PlannedVersion {
  serviceTier: ServiceTier;
  region: string;
  effectiveFrom: string;
  /** Set when a later version (feed or stored) already starts after this one. */
  effectiveTo: string | null;
  currency: string;
  components: Required<NewComponent>[];
  /** The stored version this one closes at effectiveFrom (checked again when applied). */
  replaces: { id: string; effectiveFrom: string; effectiveTo: string | null } | null;
  /** Dated versions of existing offerings are fitted into the stored history one by one. */
  fit: boolean;
  changes: ComponentChange[];
}

export interface PlannedOffering {
  key: string;
  ref: string;
  provider: string;
  providerModelId: string;
  modelHint?: string;
  displayName?: string;
  contextWindow?: number | null;
  maxOutput?: number | null;
  offeringId: string | null;
  versions: PlannedVersion[];
}

export interface SyncPlan {
  runAt: string;
  adapter: string;
  entries: number;
  records: number;
  added: PlannedOffering[];
  changed: PlannedOffering[];
  unchanged: number;
  locked: { key: string; offering_id: string }[];
  deletedSkipped: string[];
  /** Left to another source: the provider's chosen source of truth, or the sync source that priced it first. */
  deferred: { key: string; owner: string }[];
  /** What the feed says for every live offering (applied or not), for reconciliation. */
  observations: {
    key: string;
    serviceTier: ServiceTier;
    region: string;
    currency: string;
    components: Required<NewComponent>[];
    /**
     * Every dated price the feed states for this condition, oldest first (past and future: o3's cut, Gemini prices
     * from 2027), when it states more than the one in force: `source=` + `timestamp` estimates price from it.
     */
    history: ObservedVersion[] | null;
  }[];
  conflicts: { key: string; effective_from: string; reason: string }[];
  missing: { offering_id: string; feed_ref: string }[];
  invalid: { ref: string; reason: string }[];
  ignoredFields: Record<string, number>;
  /** Offerings of this source seen by its previous run (for the shrink check). */
  previouslySeen: number;
  /** Every live offering key the feed holds, with its ref, for the seen/missing bookkeeping. */
  seen: { key: string; ref: string }[];
  /** Model-id match rules the feed states, per offering key, in feed order. */
  matchRules?: { key: string; rule: unknown }[];
  /** The feed's provider fallbacks (genai-prices), stored as the source states them. */
  providerFallbacks?: { provider: string; fallbacks: string[] }[];
  /** Every offering the feed names, with its links to models: what the catalog's registry ensures when applied. */
  refs?: OfferingRef[];
  /** What the feed says about the capabilities of the model each offering serves (stored per field when applied). */
  capabilities?: { key: string; provider: string; providerModelId: string; facts: CapabilityFacts }[];
  /** Offering key → the catalog model it serves (after identity resolution), for the sanity guards. */
  modelOf?: Record<string, string>;
  /** What identity resolution would change: new models, offerings moved to another model, other spellings. */
  identity?: IdentitySummary;
  /** Entries that are another spelling of an offering the feed already named (kept the first one's prices). */
  aliased?: { ref: string; of: string }[];
  /** New or changed prices the sanity guards held for review (not written; stored as held prices when applied). */
  held?: HeldPrice[];
}

export interface IdentitySummary {
  new_models: number;
  moved: { key: string; from: string; to: string; reason: string }[];
  /** New offerings and the model each joins, with why. */
  placed: { key: string; model_id: string; new_model: boolean; reason: string }[];
}

interface StoredOffering {
  id: string;
  provider_slug: string;
  provider_model_id: string;
  deleted: boolean;
  locked: boolean;
}

const condKey = (tier: string, region: string) => `${tier}|${region}`;

/**
 * Computes what a feed would change, without writing: new offerings (with their versions), changed prices (a new
 * version from the run instant, or the feed's own dates), unchanged ones, locked and deleted offerings left alone,
 * dated conflicts, and offerings this source saw before that the feed no longer has (marked missing, never deleted).
 */
export async function planSync(m: EntityManager, feed: FeedParseResult, options: PlanOptions): Promise<SyncPlan> {
  const plan = emptyPlan(feed, options.runAt);
  if (feed.providerFallbacks) plan.providerFallbacks = feed.providerFallbacks;
  const records = mergeRecords(feed, plan);
  const state = await loadStored(m, records, options, plan);
  for (const [key, record] of records) planRecord(plan, key, record, state, options);
  if (options.guard) {
    const context = await loadGuardContext(m, plan, state.ids, options.sourceName, options.offerings);
    guardPlan(plan, context, options.guard);
  }
  if (options.sourceId) {
    const seenBefore = await trackedOfferings(m, options.sourceId, options.offerings);
    plan.previouslySeen = seenBefore.length;
    plan.missing = seenBefore
      .filter((r) => !records.has(r.key))
      .map((r) => ({ offering_id: r.offering_id, feed_ref: r.feed_ref }));
  }
  return plan;
}

export interface PlanOptions {
  runAt: Date;
  sourceId: string | null;
  sourceName: string;
  offerings: OfferingDirectoryService;
  registry: OfferingRegistryService;
  /** The sanity guards' limits (SYNC_GUARD_*); without them nothing is held. */
  guard?: { factor: string; minPeers: number };
}

/** What the database says about the feed's offerings: which exist, their locks, owners and price history. */
interface StoredState {
  byKey: Map<string, StoredOffering>;
  /** Offering key → id of the stored offerings the feed names. */
  ids: Map<string, string>;
  /** Provider → the source chosen as its truth. */
  truths: Map<string, string>;
  /** `offering|tier|region` → versions. */
  history: Map<string, PriceVersionDto[]>;
  byOffering: Map<string, PriceVersionDto[]>;
}

function emptyPlan(feed: FeedParseResult, runAt: Date): SyncPlan {
  return {
    runAt: runAt.toISOString(),
    adapter: feed.adapter,
    entries: feed.entries,
    records: feed.records.length,
    added: [],
    changed: [],
    unchanged: 0,
    locked: [],
    deletedSkipped: [],
    deferred: [],
    observations: [],
    conflicts: [],
    missing: [],
    invalid: [...feed.invalid],
    ignoredFields: feed.ignoredFields,
    previouslySeen: 0,
    seen: [],
  };
}

/**
 * One record per offering: an offering priced per region (LiteLLM's bedrock/<region>/<model> keys) gathers its
 * versions on the first record; a second record for the same offering and conditions is invalid.
 */
function mergeRecords(feed: FeedParseResult, plan: SyncPlan): Map<string, FeedRecord> {
  const records = new Map<string, FeedRecord>();
  for (const r of feed.records) {
    const key = offeringKey(r.provider, r.providerModelId);
    const prev = records.get(key);
    if (!prev) {
      records.set(key, { ...r, versions: [...r.versions] });
      continue;
    }
    if (prev.providerModelId !== r.providerModelId) {
      // Another spelling of the same offering (Fireworks' short and full ids): one offering, the first one's prices.
      (plan.aliased ??= []).push({ ref: r.ref, of: prev.ref });
      prev.modelHints = [...(prev.modelHints ?? []), ...(r.modelHints ?? [])];
      continue;
    }
    const conditions = new Set(prev.versions.map((v) => condKey(v.serviceTier, v.region)));
    if (r.versions.some((v) => conditions.has(condKey(v.serviceTier, v.region)))) {
      plan.invalid.push({ ref: r.ref, reason: `same offering and conditions as "${prev.ref}"` });
    } else prev.versions.push(...r.versions);
  }
  return records;
}

async function loadStored(
  m: EntityManager,
  records: Map<string, FeedRecord>,
  options: PlanOptions,
  plan: SyncPlan,
): Promise<StoredState> {
  plan.refs = [...records.values()].map((r) => ({ ...offeringFields(r), modelHints: r.modelHints }));
  plan.capabilities = [...records]
    .filter(([, r]) => r.capabilities && Object.keys(r.capabilities).length)
    .map(([key, r]) => ({
      key,
      provider: r.provider,
      providerModelId: r.providerModelId,
      facts: r.capabilities as CapabilityFacts,
    }));
  const identity = await options.registry.resolve(m, plan.refs, options.sourceName);
  summariseIdentity(plan, identity);
  const found = [...identity.offerings.values()].filter((o) => o.existing);
  const locks = await query<{ offering_id: string }>(
    m,
    `SELECT offering_id::text FROM price_locks WHERE offering_id = ANY($1::uuid[])`,
    [found.map((o) => o.existing?.id)],
  );
  const locked = new Set(locks.map((l) => l.offering_id));
  const stored: (StoredOffering & { key: string })[] = found.map((o) => ({
    key: o.key,
    id: o.existing?.id as string,
    provider_slug: o.provider,
    provider_model_id: o.providerModelId,
    deleted: o.existing?.deleted ?? false,
    locked: locked.has(o.existing?.id as string),
  }));
  const truthRows = await query<{ provider_slug: string; name: string }>(
    m,
    `SELECT t.provider_slug, s.name FROM provider_truth t JOIN sync_sources s ON s.id = t.source_id
      WHERE t.provider_slug = ANY($1::text[])`,
    [[...new Set([...records.values()].map((r) => r.provider))]],
  );
  const liveIds = stored.filter((s) => !s.deleted && !s.locked).map((s) => s.id);
  const versions = liveIds.length
    ? await query<VersionRow>(m, `SELECT ${VERSION_SQL} FROM price_versions v WHERE v.offering_id = ANY($1::uuid[])`, [
        liveIds,
      ])
    : [];
  const history = new Map<string, PriceVersionDto[]>();
  const byOffering = new Map<string, PriceVersionDto[]>();
  for (const v of versions.map(versionDto)) {
    const k = `${v.offering_id}|${condKey(v.service_tier, v.region)}`;
    history.set(k, [...(history.get(k) ?? []), v]);
    byOffering.set(v.offering_id, [...(byOffering.get(v.offering_id) ?? []), v]);
  }
  return {
    byKey: new Map(stored.map((s) => [s.key, s])),
    ids: new Map(stored.filter((s) => !s.deleted).map((s) => [s.key, s.id])),
    truths: new Map(truthRows.map((t) => [t.provider_slug, t.name])),
    history,
    byOffering,
  };
}

/** The identity decisions worth showing before a run applies: new models, moves, where new offerings go. */
function summariseIdentity(plan: SyncPlan, identity: IdentityPlan): void {
  plan.modelOf = {};
  const summary: IdentitySummary = { new_models: identity.newModels.size, moved: [], placed: [] };
  for (const o of identity.offerings.values()) {
    if (o.modelId) plan.modelOf[o.key] = o.modelId;
    if (o.movesFrom) summary.moved.push({ key: o.key, from: o.movesFrom, to: o.modelId, reason: o.identity.reason });
    else if (!o.existing) {
      summary.placed.push({ key: o.key, model_id: o.modelId, new_model: o.newModel, reason: o.identity.reason });
    }
  }
  plan.identity = summary;
}

/** One offering of the feed: observed, deferred, locked, or planned as added / changed versions. */
function planRecord(plan: SyncPlan, key: string, record: FeedRecord, state: StoredState, options: PlanOptions): void {
  const s = state.byKey.get(key);
  if (s?.deleted) {
    plan.deletedSkipped.push(key);
    return;
  }
  plan.seen.push({ key, ref: record.ref });
  if (record.matchRule) (plan.matchRules ??= []).push({ key, rule: record.matchRule });
  for (const v of feedPricesNow(record, options.runAt)) {
    plan.observations.push({
      key,
      serviceTier: v.serviceTier,
      region: v.region,
      currency: v.currency,
      components: normaliseComponents(v.components),
      history: feedHistory(record, v.serviceTier, v.region),
    });
  }
  const owner = ownerElsewhere(record, s, state, options);
  if (owner) {
    plan.deferred.push({ key, owner });
    return;
  }
  if (s?.locked) {
    plan.locked.push({ key, offering_id: s.id });
    return;
  }
  const planned: PlannedVersion[] = [];
  // Feed versions per condition, oldest first; undated ones stand for "now".
  const groups = new Map<string, FeedRecord['versions']>();
  for (const v of record.versions) {
    const cond = condKey(v.serviceTier, v.region);
    groups.set(cond, [...(groups.get(cond) ?? []), v]);
  }
  for (const [cond, list] of groups) {
    const existing = s ? (state.history.get(`${s.id}|${cond}`) ?? []) : [];
    planned.push(...planCondition(plan, key, list, existing, options.runAt));
  }
  if (!planned.length) return;
  const item: PlannedOffering = {
    key,
    ref: record.ref,
    ...offeringFields(record),
    offeringId: s?.id ?? null,
    versions: planned,
  };
  (s ? plan.changed : plan.added).push(item);
}

/** What a feed record says about the offering itself (not its prices). */
function offeringFields(r: FeedRecord) {
  return {
    provider: r.provider,
    providerModelId: r.providerModelId,
    modelHint: r.modelHint,
    displayName: r.displayName,
    contextWindow: r.contextWindow ?? null,
    maxOutput: r.maxOutput ?? null,
  };
}

/** One dated price a feed states: from when, in which currency, which components. */
export interface ObservedVersion {
  effective_from: string;
  currency: string;
  components: Required<NewComponent>[];
}

/** The feed's dated prices for one condition, oldest first; null when it states only an undated (epoch) one. */
function feedHistory(record: FeedRecord, serviceTier: string, region: string): ObservedVersion[] | null {
  const dated = record.versions.filter(
    (v) => v.serviceTier === serviceTier && v.region === region && v.effectiveFrom !== null,
  );
  // One version "since the feed's first record" (the epoch) says nothing about time: no history to keep.
  if (!dated.length || (dated.length === 1 && (dated[0].effectiveFrom as Date).getTime() <= 0)) return null;
  return dated
    .map((v) => ({
      effective_from: (v.effectiveFrom as Date).toISOString(),
      currency: v.currency,
      components: normaliseComponents(v.components),
    }))
    .sort((a, b) => a.effective_from.localeCompare(b.effective_from));
}

/** The feed's price in force now, per condition (undated prices are "now"; dated ones the latest started). */
function feedPricesNow(record: FeedRecord, runAt: Date): FeedRecord['versions'] {
  const inForce = new Map<string, FeedRecord['versions'][number]>();
  for (const v of record.versions) {
    const t = v.effectiveFrom?.getTime() ?? runAt.getTime();
    if (t > runAt.getTime()) continue;
    const k = condKey(v.serviceTier, v.region);
    const prev = inForce.get(k);
    if (!prev || t >= (prev.effectiveFrom?.getTime() ?? runAt.getTime())) inForce.set(k, v);
  }
  return [...inForce.values()];
}

/**
 * The source that owns this offering's prices when it is not this one: the provider's chosen source of truth, else
 * the source of the version in force (demo and manual prices, and this source's own, are open to any sync).
 */
function ownerElsewhere(
  record: FeedRecord,
  s: StoredOffering | undefined,
  state: StoredState,
  options: PlanOptions,
): string | null {
  const truth = state.truths.get(record.provider);
  if (truth) return truth !== options.sourceName ? truth : null;
  if (!s || s.locked) return null;
  const open = new Set(['demo', 'manual', options.sourceName]);
  const runAtMs = options.runAt.getTime();
  const owner = (state.byOffering.get(s.id) ?? []).find(
    (v) =>
      new Date(v.effective_from).getTime() <= runAtMs &&
      (!v.effective_to || new Date(v.effective_to).getTime() > runAtMs) &&
      !open.has(v.source),
  );
  return owner?.source ?? null;
}

/** The versions to write for one condition (tier, region) of an offering, given its stored history there. */
function planCondition(
  plan: SyncPlan,
  key: string,
  list: FeedRecord['versions'],
  existing: PriceVersionDto[],
  runAtDate: Date,
): PlannedVersion[] {
  const runAt = runAtDate.toISOString();
  const planned: PlannedVersion[] = [];
  const sorted = [...list].sort(
    (a, b) => (a.effectiveFrom?.getTime() ?? Infinity) - (b.effectiveFrom?.getTime() ?? Infinity),
  );
  const feedStarts = sorted.map((v) =>
    v.effectiveFrom ? v.effectiveFrom.toISOString() : existing.length ? runAt : FIRST_RECORD,
  );
  sorted.forEach((v, i) => {
    const from = feedStarts[i];
    const components = normaliseComponents(v.components);
    if (!existing.length) {
      planned.push(plannedVersion(v, from, feedStarts[i + 1] ?? null, components, null, false));
      return;
    }
    const t = new Date(from).getTime();
    if (v.effectiveFrom) {
      const same = existing.find((e) => new Date(e.effective_from).getTime() === t);
      if (same) {
        const changes = diffComponents(same, components);
        if (same.currency !== v.currency || changes.some((c) => c.change !== 'unchanged')) {
          plan.conflicts.push({
            key,
            effective_from: from,
            reason: `the stored version from ${from} (source ${same.source}) has other prices; left as is`,
          });
        } else plan.unchanged++;
        return;
      }
    }
    const covering = inForceAt(existing, t);
    const changes = diffComponents(covering ?? null, components);
    if (covering && covering.currency === v.currency && changes.every((c) => c.change === 'unchanged')) {
      plan.unchanged++;
      return;
    }
    planned.push(
      plannedVersion(
        v,
        from,
        covering?.effective_to ?? null,
        components,
        covering ?? null,
        v.effectiveFrom !== null || !covering,
      ),
    );
  });
  // A dated feed's latest price is its price now: when a later stored version (another source, an operator) says
  // otherwise, the feed's price takes over from this run on.
  const runAtMs = runAtDate.getTime();
  const latest = sorted.filter((v) => v.effectiveFrom && v.effectiveFrom.getTime() <= runAtMs).pop();
  const current = inForceAt(existing, runAtMs);
  if (latest?.effectiveFrom && current && new Date(current.effective_from).getTime() > latest.effectiveFrom.getTime()) {
    const components = normaliseComponents(latest.components);
    const changes = diffComponents(current, components);
    if (current.currency !== latest.currency || changes.some((c) => c.change !== 'unchanged')) {
      planned.push(plannedVersion(latest, runAt, current.effective_to, components, current, false));
    }
  }
  return planned;
}

/** A feed version planned for [from, to), closing the stored version it replaces (if any) at `from`. */
function plannedVersion(
  v: FeedRecord['versions'][number],
  from: string,
  to: string | null,
  components: Required<NewComponent>[],
  replaces: PriceVersionDto | null,
  fit: boolean,
): PlannedVersion {
  return {
    serviceTier: v.serviceTier,
    region: v.region,
    effectiveFrom: from,
    effectiveTo: to,
    currency: v.currency,
    components,
    replaces: replaces
      ? { id: replaces.id, effectiveFrom: replaces.effective_from, effectiveTo: replaces.effective_to }
      : null,
    fit,
    changes: diffComponents(replaces, components),
  };
}

/** The stored version whose [from, to) holds the instant (epoch ms). */
function inForceAt(existing: PriceVersionDto[], t: number): PriceVersionDto | undefined {
  return existing.find(
    (e) => new Date(e.effective_from).getTime() <= t && (!e.effective_to || new Date(e.effective_to).getTime() > t),
  );
}

/** The live offerings this source reported last time (to tell which ones are missing now). */
async function trackedOfferings(
  m: EntityManager,
  sourceId: string,
  offerings: OfferingDirectoryService,
): Promise<{ offering_id: string; feed_ref: string; key: string }[]> {
  const tracked = await query<{ offering_id: string; feed_ref: string }>(
    m,
    `SELECT offering_id::text, feed_ref FROM sync_source_offerings WHERE source_id = $1 AND missing_since IS NULL`,
    [sourceId],
  );
  const live = await offerings.byIds(
    tracked.map((t) => t.offering_id),
    { db: m },
  );
  return tracked.flatMap((t) => {
    const o = live.get(t.offering_id);
    return o ? [{ ...t, key: offeringKey(o.provider, o.provider_model_id) }] : [];
  });
}

/** Why this plan should wait for an operator, or null when it may be applied. */
export function quarantineReason(plan: SyncPlan, limits: { maxShrink: string; maxJump: string }): string | null {
  if (plan.previouslySeen >= 10) {
    const share = new Money(plan.missing.length).div(plan.previouslySeen);
    if (share.gt(limits.maxShrink)) {
      return `The feed shrank: ${plan.missing.length} of ${plan.previouslySeen} offerings seen last time are missing (${share
        .times(100)
        .toFixed(0)}% > ${new Money(limits.maxShrink).times(100).toFixed(0)}%).`;
    }
  }
  const jump = new Money(limits.maxJump);
  let zeroed = 0;
  let worst: { item: PlannedOffering; change: ComponentChange } | null = null;
  let worstFactor = new Money(1);
  for (const item of plan.changed) {
    for (const v of item.versions) {
      for (const c of v.changes) {
        if (c.change !== 'changed' || c.before === null || c.after === null) continue;
        const before = new Money(c.before);
        const after = new Money(c.after);
        if (after.isZero() && !before.isZero()) {
          zeroed++;
          continue;
        }
        if (before.isZero()) continue;
        const factor = after.gt(before) ? after.div(before) : before.div(after);
        if (factor.gt(worstFactor)) {
          worstFactor = factor;
          worst = { item, change: c };
        }
      }
    }
  }
  if (zeroed)
    return `${zeroed} price(s) would drop to 0 (free): a feed that zeroes prices is more likely broken than generous.`;
  if (worst && worstFactor.gt(jump)) {
    return `${worst.item.ref}: ${worst.change.unit} would go from ${worst.change.before} to ${worst.change.after} (×${worstFactor
      .toSignificantDigits(3)
      .toFixed()}, more than the ×${jump.toFixed()} allowed).`;
  }
  return null;
}
