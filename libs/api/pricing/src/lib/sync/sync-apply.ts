import { createHash, randomUUID } from 'node:crypto';
import { ModelCapabilitiesService, nameKey, OfferingRegistryService } from '@mph/api-catalog';
import { DomainError, execute, query } from '@mph/api-core';
import { EntityManager } from 'typeorm';
import { applyPlan, planVersion, writeVersions } from '../services/price-writer';
import type { SyncCounts } from './sync-run.entity';
import type { PlannedVersion, SyncPlan } from './sync-plan';

export class StalePlanError extends DomainError {
  constructor(detail: string) {
    super(409, 'SYNC_PLAN_STALE', `Prices changed since this run was planned (${detail}); run the source again.`);
  }
}

type ApplyContext = {
  registry: OfferingRegistryService;
  capabilities: ModelCapabilitiesService;
  source: string;
  sourceId: string | null;
  sourceRef: string | null;
  /** The run that planned it (held prices name it). */
  runId?: string;
};

/**
 * Writes a plan in the caller's transaction, as named steps: the offerings it names exist (created through the
 * catalog), the versions it closes are still as planned, its versions are written (through the one price writer),
 * the feed's match rules are stored, and for a stored source what it saw (offerings, observations, missing ones).
 */
export async function applySync(m: EntityManager, plan: SyncPlan, ctx: ApplyContext): Promise<SyncCounts> {
  const counts: SyncCounts = { versions_written: 0, offerings_created: 0, models_created: 0, vendors_created: 0 };
  const runAt = new Date(plan.runAt);
  const ensured = await ensureOfferings(m, plan, ctx, counts);
  await assertNotStale(m, plan);
  counts.versions_written = await writePlannedVersions(m, plan, ctx, ensured);
  await storeMatchRules(m, plan, ctx, ensured);
  await storeProviderFallbacks(m, plan, ctx);
  await storeHeld(m, plan, ctx, ensured);
  const capabilities = await storeCapabilities(m, plan, ctx, ensured);
  if (capabilities) counts.capabilities_updated = capabilities;
  if (ctx.sourceId) {
    await recordSeen(m, plan, ctx.sourceId, ensured, runAt);
    const observed = await storeObservations(m, plan, ctx.sourceId, ensured, runAt);
    if (observed) counts.observations_written = observed;
    await markMissing(m, plan, ctx.sourceId, runAt);
  }
  return counts;
}

type Ensured = Awaited<ReturnType<OfferingRegistryService['ensure']>>;

/** Every offering the feed names exists (vendors, models and offerings created through the catalog's registry). */
async function ensureOfferings(
  m: EntityManager,
  plan: SyncPlan,
  ctx: ApplyContext,
  counts: SyncCounts,
): Promise<Ensured> {
  // Plans made before identities carried their refs (a quarantined run approved after an upgrade) name them by key.
  const refs =
    plan.refs ??
    plan.seen.map((s) => {
      const bar = s.key.indexOf('|');
      return { provider: s.key.slice(0, bar), providerModelId: s.key.slice(bar + 1) };
    });
  const ensured = await ctx.registry.ensure(m, refs, ctx.source);
  counts.offerings_created = ensured.created.offerings;
  counts.models_created = ensured.created.models;
  counts.vendors_created = ensured.created.vendors;
  if (ensured.moved) counts.offerings_moved = ensured.moved;
  if (ensured.merged) counts.models_merged = ensured.merged;

  return ensured;
}

/**
 * What the feed says about each model's capabilities, per field, replacing this source's earlier statements; the
 * models' shown values follow the documented precedence (an operator's edits stay). Returns the models updated.
 */
async function storeCapabilities(m: EntityManager, plan: SyncPlan, ctx: ApplyContext, ensured: Ensured) {
  if (!plan.capabilities) return 0;
  const statements = plan.capabilities.flatMap((c) => {
    const modelId = ensured.models.get(c.key);
    const exact = c.providerModelId !== undefined && nameKey(c.providerModelId) === nameKey(modelId ?? '');
    return modelId ? [{ modelId, provider: c.provider, exact, facts: c.facts }] : [];
  });
  return (await ctx.capabilities.recordSource(m, ctx.source, plan.adapter, statements)).models_updated;
}

/** Every version this plan closes must still be open exactly as planned (a quarantined plan may wait for days). */
async function assertNotStale(m: EntityManager, plan: SyncPlan): Promise<void> {
  const replaced = plan.changed.flatMap((o) =>
    o.versions.filter((v) => v.replaces).map((v) => v.replaces as NonNullable<PlannedVersion['replaces']>),
  );
  if (replaced.length) {
    const rows = await query<{ id: string; effective_to: Date | null }>(
      m,
      `SELECT id, effective_to FROM price_versions WHERE id = ANY($1::uuid[]) FOR UPDATE`,
      [replaced.map((r) => r.id)],
    );
    const now = new Map(rows.map((r) => [r.id, r.effective_to?.toISOString() ?? null]));
    for (const r of replaced) {
      if (!now.has(r.id) || now.get(r.id) !== r.effectiveTo) throw new StalePlanError(`version ${r.id} was changed`);
    }
  }
}

/**
 * New versions in bulk (closing the ones they replace); dated versions of existing offerings fitted into their
 * history one by one. Returns how many were written.
 */
async function writePlannedVersions(
  m: EntityManager,
  plan: SyncPlan,
  ctx: ApplyContext,
  ensured: Ensured,
): Promise<number> {
  const recordedAt = new Date();
  let written = 0;
  const bulk: { id: string; offering_id: string; v: PlannedVersion }[] = [];
  const fitted: { offering_id: string; v: PlannedVersion }[] = [];
  for (const o of [...plan.added, ...plan.changed]) {
    const offeringId = o.offeringId ?? ensured.ids.get(o.key);
    if (!offeringId) continue;
    for (const v of o.versions) {
      if (v.fit) fitted.push({ offering_id: offeringId, v });
      else bulk.push({ id: randomUUID(), offering_id: offeringId, v });
    }
  }
  await writeVersions(
    m,
    bulk.map((b) => ({
      id: b.id,
      offeringId: b.offering_id,
      serviceTier: b.v.serviceTier,
      region: b.v.region,
      effectiveFrom: new Date(b.v.effectiveFrom),
      effectiveTo: b.v.effectiveTo ? new Date(b.v.effectiveTo) : null,
      currency: b.v.currency,
      source: ctx.source,
      sourceRef: ctx.sourceRef,
      components: b.v.components,
      closes: b.v.replaces?.id ?? null,
    })),
    recordedAt,
  );
  for (const f of fitted) {
    const p = await planVersion(m, {
      offeringId: f.offering_id,
      serviceTier: f.v.serviceTier,
      region: f.v.region,
      effectiveFrom: new Date(f.v.effectiveFrom),
      currency: f.v.currency,
      source: ctx.source,
      sourceRef: ctx.sourceRef,
      components: f.v.components,
    });
    if (p.unchanged) continue;
    await applyPlan(m, p, recordedAt);
    written++;
  }
  return written + bulk.length;
}

/**
 * Prices the guards held become review items (once per offering, conditions and price set: a re-run or a rejected
 * price adds nothing); an older held price of this source for the same offering and conditions is superseded by a
 * newer one, or by a price this run publishes for them.
 */
async function storeHeld(m: EntityManager, plan: SyncPlan, ctx: ApplyContext, ensured: Ensured): Promise<void> {
  const held = (plan.held ?? []).flatMap((h) => {
    const offeringId = ensured.ids.get(h.key);
    if (!offeringId) return [];
    const components = [...h.version.components].sort((a, b) =>
      `${a.unit}|${a.prompt_tokens_above}|${a.window_start}`.localeCompare(
        `${b.unit}|${b.prompt_tokens_above}|${b.window_start}`,
      ),
    );
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([h.version.currency, components]))
      .digest('hex')
      .slice(0, 32);
    return [{ offering_id: offeringId, h, components, fingerprint }];
  });
  const published = [...plan.added, ...plan.changed].flatMap((o) => {
    const offeringId = ensured.ids.get(o.key);
    return offeringId
      ? o.versions.map((v) => ({ offering_id: offeringId, tier: v.serviceTier, region: v.region }))
      : [];
  });
  const touched = [
    ...published,
    ...held.map((x) => ({
      offering_id: x.offering_id,
      tier: x.h.version.serviceTier,
      region: x.h.version.region,
      fingerprint: x.fingerprint,
    })),
  ];
  if (touched.length) {
    await execute(
      m,
      `UPDATE held_prices hp SET status = 'superseded', decided_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS d(offering_id uuid, tier text, region text, fingerprint text)
        WHERE hp.status = 'held' AND hp.source = $2 AND hp.offering_id = d.offering_id AND hp.service_tier = d.tier
          AND hp.region = d.region AND hp.fingerprint IS DISTINCT FROM d.fingerprint`,
      [JSON.stringify(touched), ctx.source],
    );
  }
  if (!held.length) return;
  await execute(
    m,
    `INSERT INTO held_prices (offering_id, run_id, source, service_tier, region, currency, effective_from, components,
                              fingerprint, kind, unit, amount, reference, factor, looks_like, reason)
     SELECT d.offering_id, $2, $3, d.tier, d.region, d.currency, d.effective_from, d.components, d.fingerprint, d.kind,
            d.unit, d.amount, d.reference, d.factor, d.looks_like, d.reason
       FROM jsonb_to_recordset($1::jsonb) AS d(offering_id uuid, tier text, region text, currency text,
            effective_from timestamptz, components jsonb, fingerprint text, kind text, unit text, amount numeric,
            reference numeric, factor numeric, looks_like text, reason text)
     ON CONFLICT (offering_id, service_tier, region, fingerprint) DO NOTHING`,
    [
      JSON.stringify(
        held.map((x) => ({
          offering_id: x.offering_id,
          tier: x.h.version.serviceTier,
          region: x.h.version.region,
          currency: x.h.version.currency,
          effective_from: x.h.version.effectiveFrom,
          components: x.components,
          fingerprint: x.fingerprint,
          kind: x.h.kind,
          unit: x.h.unit,
          amount: x.h.amount,
          reference: x.h.reference,
          factor: x.h.factor,
          looks_like: x.h.looks_like,
          reason: x.h.reason,
        })),
      ),
      ctx.runId ?? null,
      ctx.source,
    ],
  );
}

/** The feed's match clauses (genai-prices), per offering and source, rewritten only when they changed. */
async function storeMatchRules(m: EntityManager, plan: SyncPlan, ctx: ApplyContext, ensured: Ensured): Promise<void> {
  if (plan.matchRules?.length) {
    const rules = plan.matchRules
      .map((r, position) => ({
        offering_id: ensured.ids.get(r.key),
        provider: r.key.slice(0, r.key.indexOf('|')),
        position,
        rule: r.rule,
      }))
      .filter((r) => r.offering_id);
    if (rules.length) {
      await execute(
        m,
        `INSERT INTO offering_match_rules (offering_id, source, provider_slug, position, rule)
         SELECT d.offering_id, $2, d.provider, d.position, d.rule
           FROM jsonb_to_recordset($1::jsonb) AS d(offering_id uuid, provider text, position int, rule jsonb)
         ON CONFLICT (offering_id, source) DO UPDATE
            SET rule = EXCLUDED.rule, position = EXCLUDED.position, updated_at = now()
          WHERE offering_match_rules.rule IS DISTINCT FROM EXCLUDED.rule
             OR offering_match_rules.position IS DISTINCT FROM EXCLUDED.position`,
        [JSON.stringify(rules), ctx.source],
      );
    }
  }
}

/** The feed's provider fallbacks, replacing what this source said before (only when they changed). */
async function storeProviderFallbacks(m: EntityManager, plan: SyncPlan, ctx: ApplyContext): Promise<void> {
  if (!plan.providerFallbacks) return;
  const rows = plan.providerFallbacks.flatMap((p) =>
    p.fallbacks.map((fallback, position) => ({ provider: p.provider, fallback, position })),
  );
  const [{ same }] = await query<{ same: boolean }>(
    m,
    `SELECT coalesce(jsonb_agg(jsonb_build_object('provider', provider_slug, 'fallback', fallback_slug,
                                                  'position', position) ORDER BY provider_slug, position), '[]')
            = (SELECT coalesce(jsonb_agg(d ORDER BY d->>'provider', (d->>'position')::int), '[]')
                 FROM jsonb_array_elements($2::jsonb) d) AS same
       FROM provider_fallbacks WHERE source = $1`,
    [ctx.source, JSON.stringify(rows)],
  );
  if (same) return;
  await execute(m, `DELETE FROM provider_fallbacks WHERE source = $1`, [ctx.source]);
  await execute(
    m,
    `INSERT INTO provider_fallbacks (source, provider_slug, fallback_slug, position)
     SELECT $1, d.provider, d.fallback, d.position FROM jsonb_to_recordset($2::jsonb) AS d(provider text, fallback text, position int)`,
    [ctx.source, JSON.stringify(rows)],
  );
}

/** Which offerings the source reported, and under which feed reference (only rows that differ are written). */
async function recordSeen(
  m: EntityManager,
  plan: SyncPlan,
  sourceId: string,
  ensured: Ensured,
  runAt: Date,
): Promise<void> {
  // Bookkeeping writes only what differs from what is stored, so an unchanged feed writes no rows at all.
  const storedSeen = new Map<string, { feed_ref: string; missing: boolean }>(
    (
      await query<{ offering_id: string; feed_ref: string; missing: boolean }>(
        m,
        `SELECT offering_id, feed_ref, missing_since IS NOT NULL AS missing FROM sync_source_offerings WHERE source_id = $1`,
        [sourceId],
      )
    ).map((r) => [r.offering_id, r]),
  );
  const seen = plan.seen
    .map((s) => ({ offering_id: ensured.ids.get(s.key), feed_ref: s.ref }))
    .filter((s): s is { offering_id: string; feed_ref: string } => {
      if (!s.offering_id) return false;
      const stored = storedSeen.get(s.offering_id);
      return !stored || stored.missing || stored.feed_ref !== s.feed_ref;
    });
  if (seen.length) {
    await execute(
      m,
      `INSERT INTO sync_source_offerings (source_id, offering_id, feed_ref, first_seen_at, last_seen_at)
       SELECT $1, d.offering_id, d.feed_ref, $3, $3 FROM jsonb_to_recordset($2::jsonb) AS d(offering_id uuid, feed_ref text)
       ON CONFLICT (source_id, offering_id)
       DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, feed_ref = EXCLUDED.feed_ref, missing_since = NULL`,
      [sourceId, JSON.stringify(seen), runAt],
    );
  }
}

/** The source's latest price per offering and condition (reconciliation compares sources with these). */
async function storeObservations(
  m: EntityManager,
  plan: SyncPlan,
  sourceId: string,
  ensured: Ensured,
  runAt: Date,
): Promise<number> {
  const storedObservations = new Map<string, string>(
    (
      await query<{ k: string; v: string }>(
        m,
        `SELECT offering_id || '|' || service_tier || '|' || region AS k,
                currency || jsonb_build_array(components, history)::text AS v
           FROM sync_observations WHERE source_id = $1`,
        [sourceId],
      )
    ).map((r) => [r.k, r.v]),
  );
  const canonicalJson = (x: unknown) => JSON.stringify(x);
  const observations = plan.observations
    .map((o) => ({ ...o, offering_id: ensured.ids.get(o.key) }))
    .filter((o) => {
      if (!o.offering_id) return false;
      const stored = storedObservations.get(`${o.offering_id}|${o.serviceTier}|${o.region}`);
      if (stored === undefined) return true;
      // jsonb prints keys in its own order; compare parsed values, not text.
      const [currency, json] = [stored.slice(0, 3), stored.slice(3)];
      return (
        currency.trim() !== o.currency ||
        canonicalJson(sortKeys(JSON.parse(json))) !== canonicalJson(sortKeys([o.components, o.history]))
      );
    });
  if (observations.length) {
    const written = await query<{ '?column?': number }>(
      m,
      `INSERT INTO sync_observations
              (source_id, offering_id, service_tier, region, currency, components, history, observed_at)
       SELECT $1, d.offering_id, d.service_tier, d.region, d.currency, d.components, d.history, $3
         FROM jsonb_to_recordset($2::jsonb)
           AS d(offering_id uuid, service_tier text, region text, currency text, components jsonb, history jsonb)
       ON CONFLICT (offering_id, service_tier, region, source_id) DO UPDATE
          SET components = EXCLUDED.components, currency = EXCLUDED.currency, history = EXCLUDED.history,
              observed_at = EXCLUDED.observed_at
       RETURNING 1`,
      [
        sourceId,
        JSON.stringify(
          observations.map((o) => ({
            offering_id: o.offering_id,
            service_tier: o.serviceTier,
            region: o.region,
            currency: o.currency,
            components: o.components,
            history: o.history,
          })),
        ),
        runAt,
      ],
    );
    return written.length;
  }
  return 0;
}

/** Offerings seen last time and absent now are marked missing (the shrink check counts them). */
async function markMissing(m: EntityManager, plan: SyncPlan, sourceId: string, runAt: Date): Promise<void> {
  if (plan.missing.length) {
    await execute(
      m,
      `UPDATE sync_source_offerings SET missing_since = $3
        WHERE source_id = $1 AND offering_id = ANY($2::uuid[]) AND missing_since IS NULL`,
      [sourceId, plan.missing.map((x) => x.offering_id), runAt],
    );
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
