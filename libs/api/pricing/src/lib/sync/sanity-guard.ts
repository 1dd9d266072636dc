import { offeringKey, OfferingDirectoryService } from '@mph/api-catalog';
import { query } from '@mph/api-core';
import { EntityManager } from 'typeorm';
import { Money } from '../decimal';
import type { PlannedOffering, PlannedVersion, SyncPlan } from './sync-plan';

/** Units compared with another feed's report of the same offering. */
const COMPARED = new Set(['input', 'output', 'cache_read', 'cache_write']);
/** Units compared across a model's offerings (cache prices legitimately differ by far more between providers). */
const ACROSS_OFFERINGS = new Set(['input', 'output']);

/** A price the guards held for review instead of publishing. */
export interface HeldPrice {
  key: string;
  ref: string;
  version: PlannedVersion;
  /** `median`: far from the same model's other offerings; `feed`: far from another feed's report of this offering. */
  kind: 'median' | 'feed';
  unit: string;
  amount: string;
  /** What it was compared with: the median, or the other feed's amount. */
  reference: string;
  /** amount ÷ reference, 4 significant digits. */
  factor: string;
  /** What the slip looks like (`per-token price stated per 1M (×1,000,000)`), or null. */
  looks_like: string | null;
  reason: string;
}

/** What the guards compare a feed's new prices with. */
export interface GuardContext {
  /** Model id → offering key → unit → amount (USD per 1M), the prices in force now (stored, and this run's). */
  peers: Map<string, Map<string, Map<string, string>>>;
  /** Offering key → other feeds' latest reports: source → unit → amount. */
  otherFeeds: Map<string, Map<string, Map<string, string>>>;
  /** Offering key → unit → amount: the offering's own stored price in force now (before this run). */
  current?: Map<string, Map<string, string>>;
}

const SLIPS: { factor: number; label: string }[] = [
  { factor: 1e6, label: 'a per-token price stated as per 1M tokens (×1,000,000)' },
  { factor: 1e-6, label: 'a per-1M price stated as per token (÷1,000,000)' },
  { factor: 1e3, label: 'a per-1K price stated as per 1M tokens (×1,000)' },
  { factor: 1e-3, label: 'a per-1M price stated as per 1K tokens (÷1,000)' },
  { factor: 100, label: 'cents stated as dollars (×100)' },
  { factor: 1e-2, label: 'dollars stated as cents (÷100)' },
];

/**
 * The unit slip a factor looks like: the nearest one within ¾ of an order of magnitude (the slipped price is compared
 * with a median of other providers' prices, which differ among themselves), or null.
 */
export function slipOf(factor: Money): string | null {
  const log = Math.log10(Number(factor.toString()));
  let best: { d: number; label: string } | null = null;
  for (const s of SLIPS) {
    const d = Math.abs(log - Math.log10(s.factor));
    if (d < 0.75 && (!best || d < best.d)) best = { d, label: s.label };
  }
  return best?.label ?? null;
}

function median(values: Money[]): Money {
  const sorted = [...values].sort((a, b) => a.cmp(b));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : sorted[mid - 1].plus(sorted[mid]).div(2);
}

/** The plain (standard, default-region, base-tier, all-day) amounts of a version, per compared unit. */
function plainAmounts(v: {
  serviceTier: string;
  region: string;
  currency: string;
  components: PlannedVersion['components'];
}) {
  const out = new Map<string, string>();
  if (v.serviceTier !== 'standard' || v.region !== '' || v.currency !== 'USD') return out;
  for (const c of v.components) {
    if (COMPARED.has(c.unit) && !c.prompt_tokens_above && !c.window_start) out.set(c.unit, c.amount);
  }
  return out;
}

/**
 * Holds new or changed prices that are far (more than `factor`×, either way) from the median of the same model's
 * other offerings (at least `minPeers` of them) or from another feed's report of the same offering. Held versions
 * leave the plan (into `plan.held`); the rest of the run applies. Zero prices are never held here (free tiers are
 * real; a feed zeroing prices is the quarantine's business).
 */
export function guardPlan(plan: SyncPlan, ctx: GuardContext, limits: { factor: string; minPeers: number }): void {
  const limit = new Money(limits.factor);
  const held: HeldPrice[] = [];
  const check = (item: PlannedOffering, v: PlannedVersion): HeldPrice | null => {
    const modelId = plan.modelOf?.[item.key];
    const amounts = plainAmounts(v);
    for (const [unit, amount] of amounts) {
      const a = new Money(amount);
      if (a.isZero()) continue;
      // Within the factor of the offering's own price in force (published: approved from this queue, set by an
      // operator, or from before), a change is not a slip: a premium provider approved once is not asked again.
      const own = ctx.current?.get(item.key)?.get(unit);
      if (own && !new Money(own).isZero()) {
        const f = a.div(own);
        if (!f.gt(limit) && !f.lt(new Money(1).div(limit))) continue;
      }
      // The model's other offerings first: when there are enough of them, they say what is plausible (another feed
      // may hold the slip itself, as LiteLLM's wandb entry does against models.dev's).
      const others =
        modelId && ACROSS_OFFERINGS.has(unit)
          ? [...(ctx.peers.get(modelId) ?? [])]
              .filter(([key]) => key !== item.key)
              .map(([, units]) => units.get(unit))
              .filter((x): x is string => x !== undefined && !new Money(x).isZero())
              .map((x) => new Money(x))
          : [];
      if (others.length >= limits.minPeers) {
        const med = median(others);
        const f = a.div(med);
        if (f.gt(limit) || f.lt(new Money(1).div(limit))) {
          return heldPrice(
            item,
            v,
            'median',
            unit,
            amount,
            med.toFixed(),
            f,
            `the median (${med.toFixed()}) of ${others.length} other offerings of ${modelId}`,
          );
        }
        continue;
      }
      for (const [source, units] of ctx.otherFeeds.get(item.key) ?? []) {
        const other = units.get(unit);
        if (!other || new Money(other).isZero()) continue;
        const f = a.div(other);
        if (f.gt(limit) || f.lt(new Money(1).div(limit))) {
          return heldPrice(item, v, 'feed', unit, amount, other, f, `${source}'s ${other} for this offering`);
        }
      }
    }
    return null;
  };
  for (const list of [plan.added, plan.changed]) {
    for (const item of list) {
      item.versions = item.versions.filter((v) => {
        const h = check(item, v);
        if (h) held.push(h);
        return !h;
      });
    }
  }
  plan.added = plan.added.filter((o) => o.versions.length);
  plan.changed = plan.changed.filter((o) => o.versions.length);
  plan.held = held;
}

function heldPrice(
  item: PlannedOffering,
  v: PlannedVersion,
  kind: HeldPrice['kind'],
  unit: string,
  amount: string,
  reference: string,
  factor: Money,
  against: string,
): HeldPrice {
  const looks = slipOf(factor);
  const f = factor.toSignificantDigits(4).toFixed();
  return {
    key: item.key,
    ref: item.ref,
    version: v,
    kind,
    unit,
    amount,
    reference,
    factor: f,
    looks_like: looks,
    reason: `${unit} ${amount} per 1M is ×${f} ${against}` + (looks ? `: looks like ${looks}.` : '.'),
  };
}

/**
 * The guards' context for a plan: the prices in force now of every offering of the models the plan prices (stored,
 * overlaid with what this run says), and other feeds' latest reports of the plan's offerings.
 */
export async function loadGuardContext(
  m: EntityManager,
  plan: SyncPlan,
  offeringIds: Map<string, string>,
  sourceName: string,
  directory: OfferingDirectoryService,
): Promise<GuardContext> {
  const models = [
    ...new Set([...plan.added, ...plan.changed].map((o) => plan.modelOf?.[o.key]).filter((x): x is string => !!x)),
  ];
  const priced = new Set(models);
  const peers = new Map<string, Map<string, Map<string, string>>>();
  const otherFeeds = new Map<string, Map<string, Map<string, string>>>();
  if (!models.length) return { peers, otherFeeds, current: new Map() };
  const offerings = await directory.byModels(models, m);
  const byId = new Map(offerings.map((o) => [o.id, o]));
  const rows = await query<{ offering_id: string; unit: string; amount: string }>(
    m,
    `SELECT v.offering_id::text, c.unit, c.amount::text AS amount
       FROM price_versions v
       JOIN price_components c ON c.version_id = v.id AND c.prompt_tokens_above = 0 AND c.window_start IS NULL
      WHERE v.offering_id = ANY($1::uuid[]) AND v.service_tier = 'standard' AND v.region = '' AND v.currency = 'USD'
        AND v.effective_from <= now() AND (v.effective_to IS NULL OR v.effective_to > now())
        AND c.unit = ANY($2::text[])`,
    [[...byId.keys()], [...COMPARED]],
  );
  const keyOf = new Map<string, string>();
  for (const [key, id] of offeringIds) keyOf.set(id, key);
  const current = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const o = byId.get(r.offering_id);
    if (!o) continue;
    const key = offeringKey(o.provider, o.provider_model_id);
    const own = keyOf.get(r.offering_id);
    if (own) current.set(own, (current.get(own) ?? new Map<string, string>()).set(r.unit, r.amount));
    const byKey = peers.get(o.model_id) ?? new Map<string, Map<string, string>>();
    const units = byKey.get(key) ?? new Map<string, string>();
    units.set(r.unit, r.amount);
    byKey.set(key, units);
    peers.set(o.model_id, byKey);
  }
  // This run's prices now replace the stored ones of the same offerings (a feed's peers are priced by it too).
  for (const o of plan.observations) {
    const modelId = plan.modelOf?.[o.key];
    if (!modelId || !priced.has(modelId)) continue;
    const amounts = plainAmounts(o);
    if (!amounts.size) continue;
    const byKey = peers.get(modelId) ?? new Map<string, Map<string, string>>();
    byKey.set(o.key, amounts);
    peers.set(modelId, byKey);
  }
  const ids = [...plan.added, ...plan.changed].map((o) => offeringIds.get(o.key)).filter((x): x is string => !!x);
  if (ids.length) {
    const observed = await query<{
      offering_id: string;
      name: string;
      currency: string;
      components: PlannedVersion['components'];
    }>(
      m,
      `SELECT o.offering_id::text, s.name, o.currency, o.components FROM sync_observations o
         JOIN sync_sources s ON s.id = o.source_id AND s.deleted_at IS NULL
        WHERE o.offering_id = ANY($1::uuid[]) AND o.service_tier = 'standard' AND o.region = '' AND s.name <> $2`,
      [ids, sourceName],
    );
    for (const r of observed) {
      const key = keyOf.get(r.offering_id);
      if (!key) continue;
      const amounts = plainAmounts({
        serviceTier: 'standard',
        region: '',
        currency: r.currency.trim(),
        components: r.components,
      });
      if (!amounts.size) continue;
      const bySource = otherFeeds.get(key) ?? new Map<string, Map<string, string>>();
      bySource.set(r.name, amounts);
      otherFeeds.set(key, bySource);
    }
  }
  return { peers, otherFeeds, current };
}
