import { offeringKey, OfferingDirectoryService } from '@mph/api-catalog';
import type { PriceVersionDto } from '@mph/api-catalog';
import { query } from '@mph/api-core';
import { EntityManager } from 'typeorm';
import { Money } from '../decimal';
import type { ServiceTier } from '../entities';
import { VERSION_SQL, VersionRow, versionDto } from '../services/price-read.service';
import { ComponentChange, diffComponents, NewComponent, normaliseComponents } from '../services/price-writer';
import type { FeedParseResult, FeedRecord } from './adapters/feed-record';

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
export async function planSync(
  m: EntityManager,
  feed: FeedParseResult,
  options: { runAt: Date; sourceId: string | null; sourceName: string; offerings: OfferingDirectoryService },
): Promise<SyncPlan> {
  const runAt = options.runAt.toISOString();
  const plan: SyncPlan = {
    runAt,
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
  const records = new Map<string, FeedRecord>();
  for (const r of feed.records) {
    const key = offeringKey(r.provider, r.providerModelId);
    const prev = records.get(key);
    if (!prev) {
      records.set(key, { ...r, versions: [...r.versions] });
      continue;
    }
    // One offering priced per region (LiteLLM's bedrock/<region>/<model> keys): its versions join the first record.
    const conditions = new Set(prev.versions.map((v) => condKey(v.serviceTier, v.region)));
    if (r.versions.some((v) => conditions.has(condKey(v.serviceTier, v.region)))) {
      plan.invalid.push({ ref: r.ref, reason: `same offering and conditions as "${prev.ref}"` });
    } else prev.versions.push(...r.versions);
  }
  const found = await options.offerings.byKeys(
    [...records.values()].map((r) => ({ provider: r.provider, providerModelId: r.providerModelId })),
    m,
  );
  const locks = await query<{ offering_id: string }>(
    m,
    `SELECT offering_id::text FROM price_locks WHERE offering_id = ANY($1::uuid[])`,
    [[...found.values()].map((o) => o.id)],
  );
  const locked = new Set(locks.map((l) => l.offering_id));
  const stored: StoredOffering[] = [...found.values()].map((o) => ({
    id: o.id,
    provider_slug: o.provider,
    provider_model_id: o.provider_model_id,
    deleted: o.deleted,
    locked: locked.has(o.id),
  }));
  const byKey = new Map(stored.map((s) => [offeringKey(s.provider_slug, s.provider_model_id), s]));
  const truths = new Map<string, string>(
    (
      (await m.query(
        `SELECT t.provider_slug, s.name FROM provider_truth t JOIN sync_sources s ON s.id = t.source_id
          WHERE t.provider_slug = ANY($1::text[])`,
        [[...new Set([...records.values()].map((r) => r.provider))]],
      )) as { provider_slug: string; name: string }[]
    ).map((t) => [t.provider_slug, t.name]),
  );
  /** Sources whose versions any sync may replace: the built-in demo prices and operators' manual ones (locks protect those). */
  const open = new Set(['demo', 'manual', options.sourceName]);
  const liveIds = stored.filter((s) => !s.deleted && !s.locked).map((s) => s.id);
  const versions: VersionRow[] = liveIds.length
    ? await m.query(`SELECT ${VERSION_SQL} FROM price_versions v WHERE v.offering_id = ANY($1::uuid[])`, [liveIds])
    : [];
  const history = new Map<string, PriceVersionDto[]>();
  const byOffering = new Map<string, PriceVersionDto[]>();
  for (const v of versions.map(versionDto)) {
    const k = `${v.offering_id}|${condKey(v.service_tier, v.region)}`;
    const list = history.get(k) ?? [];
    list.push(v);
    history.set(k, list);
    const all = byOffering.get(v.offering_id) ?? [];
    all.push(v);
    byOffering.set(v.offering_id, all);
  }

  for (const [key, record] of records) {
    const s = byKey.get(key);
    if (s?.deleted) {
      plan.deletedSkipped.push(key);
      continue;
    }
    plan.seen.push({ key, ref: record.ref });
    if (record.matchRule) (plan.matchRules ??= []).push({ key, rule: record.matchRule });
    // The feed's price in force now, per condition (undated prices are "now"; dated ones the latest started).
    const inForce = new Map<string, FeedRecord['versions'][number]>();
    for (const v of record.versions) {
      const t = v.effectiveFrom?.getTime() ?? options.runAt.getTime();
      if (t > options.runAt.getTime()) continue;
      const k = condKey(v.serviceTier, v.region);
      const prev = inForce.get(k);
      if (!prev || t >= (prev.effectiveFrom?.getTime() ?? options.runAt.getTime())) inForce.set(k, v);
    }
    for (const v of inForce.values()) {
      plan.observations.push({
        key,
        serviceTier: v.serviceTier,
        region: v.region,
        currency: v.currency,
        components: normaliseComponents(v.components),
      });
    }
    const truth = truths.get(record.provider);
    if (truth && truth !== options.sourceName) {
      plan.deferred.push({ key, owner: truth });
      continue;
    }
    if (s?.locked) {
      plan.locked.push({ key, offering_id: s.id });
      continue;
    }
    if (s && !truth) {
      const runAtMs = options.runAt.getTime();
      const owner = (byOffering.get(s.id) ?? []).find(
        (v) =>
          new Date(v.effective_from).getTime() <= runAtMs &&
          (!v.effective_to || new Date(v.effective_to).getTime() > runAtMs) &&
          !open.has(v.source),
      );
      if (owner) {
        plan.deferred.push({ key, owner: owner.source });
        continue;
      }
    }
    const planned: PlannedVersion[] = [];
    // Feed versions per condition, oldest first; undated ones stand for "now".
    const groups = new Map<string, FeedRecord['versions']>();
    for (const v of record.versions) {
      const g = groups.get(condKey(v.serviceTier, v.region)) ?? [];
      g.push(v);
      groups.set(condKey(v.serviceTier, v.region), g);
    }
    for (const [cond, list] of groups) {
      const sorted = [...list].sort(
        (a, b) => (a.effectiveFrom?.getTime() ?? Infinity) - (b.effectiveFrom?.getTime() ?? Infinity),
      );
      const existing = s ? (history.get(`${s.id}|${cond}`) ?? []) : [];
      const feedStarts = sorted.map((v) =>
        v.effectiveFrom ? v.effectiveFrom.toISOString() : existing.length ? runAt : FIRST_RECORD,
      );
      sorted.forEach((v, i) => {
        const from = feedStarts[i];
        const components = normaliseComponents(v.components);
        if (!existing.length) {
          planned.push({
            serviceTier: v.serviceTier,
            region: v.region,
            effectiveFrom: from,
            effectiveTo: feedStarts[i + 1] ?? null,
            currency: v.currency,
            components,
            replaces: null,
            fit: false,
            changes: diffComponents(null, components),
          });
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
        const covering = existing.find(
          (e) =>
            new Date(e.effective_from).getTime() <= t && (!e.effective_to || new Date(e.effective_to).getTime() > t),
        );
        const changes = diffComponents(covering ?? null, components);
        if (covering && covering.currency === v.currency && changes.every((c) => c.change === 'unchanged')) {
          plan.unchanged++;
          return;
        }
        planned.push({
          serviceTier: v.serviceTier,
          region: v.region,
          effectiveFrom: from,
          effectiveTo: covering?.effective_to ?? null,
          currency: v.currency,
          components,
          replaces: covering
            ? { id: covering.id, effectiveFrom: covering.effective_from, effectiveTo: covering.effective_to }
            : null,
          fit: v.effectiveFrom !== null || !covering,
          changes,
        });
      });
      // A dated feed's latest price is its price now: when a later stored version (another source, an operator)
      // says otherwise, the feed's price takes over from this run on.
      const runAtMs = options.runAt.getTime();
      const latest = sorted.filter((v) => v.effectiveFrom && v.effectiveFrom.getTime() <= runAtMs).pop();
      const current = existing.find(
        (e) =>
          new Date(e.effective_from).getTime() <= runAtMs &&
          (!e.effective_to || new Date(e.effective_to).getTime() > runAtMs),
      );
      if (
        latest?.effectiveFrom &&
        current &&
        new Date(current.effective_from).getTime() > latest.effectiveFrom.getTime()
      ) {
        const components = normaliseComponents(latest.components);
        const changes = diffComponents(current, components);
        if (current.currency !== latest.currency || changes.some((c) => c.change !== 'unchanged')) {
          planned.push({
            serviceTier: latest.serviceTier,
            region: latest.region,
            effectiveFrom: runAt,
            effectiveTo: current.effective_to,
            currency: latest.currency,
            components,
            replaces: { id: current.id, effectiveFrom: current.effective_from, effectiveTo: current.effective_to },
            fit: false,
            changes,
          });
        }
      }
    }
    if (!planned.length) continue;
    const item: PlannedOffering = {
      key,
      ref: record.ref,
      provider: record.provider,
      providerModelId: record.providerModelId,
      modelHint: record.modelHint,
      displayName: record.displayName,
      contextWindow: record.contextWindow ?? null,
      maxOutput: record.maxOutput ?? null,
      offeringId: s?.id ?? null,
      versions: planned,
    };
    (s ? plan.changed : plan.added).push(item);
  }

  if (options.sourceId) {
    const tracked = await query<{ offering_id: string; feed_ref: string }>(
      m,
      `SELECT offering_id::text, feed_ref FROM sync_source_offerings WHERE source_id = $1 AND missing_since IS NULL`,
      [options.sourceId],
    );
    const live = await options.offerings.byIds(
      tracked.map((t) => t.offering_id),
      { db: m },
    );
    const seenBefore = tracked.flatMap((t) => {
      const o = live.get(t.offering_id);
      return o ? [{ ...t, key: offeringKey(o.provider, o.provider_model_id) }] : [];
    });
    plan.previouslySeen = seenBefore.length;
    plan.missing = seenBefore
      .filter((r) => !records.has(r.key))
      .map((r) => ({ offering_id: r.offering_id, feed_ref: r.feed_ref }));
  }
  return plan;
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
