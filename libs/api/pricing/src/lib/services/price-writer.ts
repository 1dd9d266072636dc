import type { PriceVersionDto } from '@mph/api-catalog';
import { randomUUID } from 'node:crypto';
import { DomainError, execute, query } from '@mph/api-core';
import { EntityManager } from 'typeorm';
import { canonical, Money } from '../decimal';
import type { ServiceTier } from '../entities';
import { VERSION_SQL, VersionRow, versionDto } from './price-read.service';

export interface NewComponent {
  unit: string;
  amount: string;
  prompt_tokens_above?: number;
  window_start?: string | null;
  window_end?: string | null;
}

export interface NewVersion {
  offeringId: string;
  serviceTier: ServiceTier;
  region: string;
  effectiveFrom: Date;
  currency: string;
  source: string;
  sourceRef?: string | null;
  reason?: string | null;
  createdBy?: string | null;
  components: NewComponent[];
}

export type ChangeKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface ComponentChange {
  unit: string;
  prompt_tokens_above: number;
  window_start: string | null;
  window_end: string | null;
  before: string | null;
  after: string | null;
  change: ChangeKind;
  /** after / before, when both are known and before is not zero. */
  ratio: string | null;
}

export interface VersionPlan {
  input: NewVersion;
  /** The version in force at effective_from (it gets closed there), if any. */
  replaces: PriceVersionDto | null;
  /** Where the new version ends: the start of the next (future-dated) version, or open. */
  effectiveTo: Date | null;
  changes: ComponentChange[];
  currencyChanged: boolean;
  /** Nothing would change: same components and currency as the version in force. */
  unchanged: boolean;
}

const hms = (t: string | null | undefined) => (t ? (t.length === 5 ? `${t}:00` : t) : null);
const keyOf = (c: {
  unit: string;
  prompt_tokens_above?: number;
  window_start?: string | null;
  window_end?: string | null;
}) => `${c.unit}|${c.prompt_tokens_above ?? 0}|${hms(c.window_start) ?? ''}|${hms(c.window_end) ?? ''}`;

/** Normalises components (canonical decimals, HH:MM:SS windows) and rejects duplicates and half windows. */
export function normaliseComponents(components: NewComponent[]): Required<NewComponent>[] {
  const seen = new Set<string>();
  return components.map((c, i) => {
    if (((c.window_start ?? null) === null) !== ((c.window_end ?? null) === null)) {
      throw DomainError.badRequest('VALIDATION_FAILED', `components[${i}]: give both window_start and window_end.`, [
        { field: `components.${i}.window_end`, problems: ['window_start and window_end go together'] },
      ]);
    }
    const n = {
      unit: c.unit,
      amount: canonical(c.amount),
      prompt_tokens_above: c.prompt_tokens_above ?? 0,
      window_start: hms(c.window_start),
      window_end: hms(c.window_end),
    };
    const key = keyOf(n);
    if (seen.has(key)) {
      throw DomainError.badRequest(
        'VALIDATION_FAILED',
        `components[${i}] repeats ${c.unit} for the same tier/window.`,
        [{ field: `components.${i}`, problems: ['duplicate unit for the same tier and window'] }],
      );
    }
    seen.add(key);
    return n;
  });
}

export function diffComponents(before: PriceVersionDto | null, after: Required<NewComponent>[]): ComponentChange[] {
  const old = new Map((before?.components ?? []).map((c) => [keyOf(c), c]));
  const changes: ComponentChange[] = [];
  for (const c of after) {
    const prev = old.get(keyOf(c));
    old.delete(keyOf(c));
    const same = prev !== undefined && new Money(prev.amount).equals(c.amount);
    changes.push({
      unit: c.unit,
      prompt_tokens_above: c.prompt_tokens_above,
      window_start: c.window_start,
      window_end: c.window_end,
      before: prev?.amount ?? null,
      after: c.amount,
      change: prev === undefined ? 'added' : same ? 'unchanged' : 'changed',
      ratio:
        prev && !new Money(prev.amount).isZero()
          ? new Money(c.amount).div(prev.amount).toSignificantDigits(6).toFixed()
          : null,
    });
  }
  for (const prev of old.values()) {
    changes.push({
      unit: prev.unit,
      prompt_tokens_above: prev.prompt_tokens_above,
      window_start: prev.window_start,
      window_end: prev.window_end,
      before: prev.amount,
      after: null,
      change: 'removed',
      ratio: null,
    });
  }
  return changes.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

/**
 * Works out what writing `input` would do: which version it closes, where it ends, and the component diff.
 * Call inside the transaction that applies it, after locking the offering row, so the plan cannot go stale.
 */
export async function planVersion(m: EntityManager, input: NewVersion): Promise<VersionPlan> {
  const components = normaliseComponents(input.components);
  const [covering] = await query<VersionRow>(
    m,
    `SELECT ${VERSION_SQL} FROM price_versions v
      WHERE v.offering_id = $1 AND v.service_tier = $2 AND v.region = $3
        AND v.effective_from <= $4 AND (v.effective_to IS NULL OR v.effective_to > $4)`,
    [input.offeringId, input.serviceTier, input.region, input.effectiveFrom],
  );
  const [next] = await query<{ effective_from: Date }>(
    m,
    `SELECT v.effective_from FROM price_versions v
      WHERE v.offering_id = $1 AND v.service_tier = $2 AND v.region = $3 AND v.effective_from > $4
      ORDER BY v.effective_from LIMIT 1`,
    [input.offeringId, input.serviceTier, input.region, input.effectiveFrom],
  );
  const replaces = covering ? versionDto(covering) : null;
  const changes = diffComponents(replaces, components);
  const currencyChanged = replaces !== null && replaces.currency !== input.currency;
  const unchanged = replaces !== null && !currencyChanged && changes.every((c) => c.change === 'unchanged');
  return {
    input: { ...input, components },
    replaces,
    effectiveTo: next?.effective_from ?? null,
    changes,
    currencyChanged,
    unchanged,
  };
}

/** One version to write: what it is, and the version it closes (at its effective_from), if any. */
export interface VersionWrite extends NewVersion {
  id?: string;
  effectiveTo: Date | null;
  /** The id of the open version this one replaces: it is closed at this one's effective_from. */
  closes?: string | null;
}

/**
 * THE writer of price versions and components (operators' edits, bulk changes, syncs, webhooks, seeds): closes the
 * versions the new ones replace, inserts the versions and their components, three statements whatever the count, in
 * the caller's transaction. Returns the new versions' ids in order.
 */
export async function writeVersions(
  m: EntityManager,
  writes: VersionWrite[],
  recordedAt = new Date(),
): Promise<string[]> {
  if (!writes.length) return [];
  const rows = writes.map((w) => ({ ...w, id: w.id ?? randomUUID() }));
  const closing = rows.filter((r) => r.closes);
  if (closing.length) {
    await execute(
      m,
      `UPDATE price_versions p SET effective_to = d.effective_to
         FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, effective_to timestamptz) WHERE p.id = d.id`,
      [JSON.stringify(closing.map((r) => ({ id: r.closes, effective_to: r.effectiveFrom })))],
    );
  }
  await execute(
    m,
    `INSERT INTO price_versions (id, offering_id, service_tier, region, effective_from, effective_to, recorded_at,
                                 source, source_ref, currency, reason, created_by)
     SELECT d.id, d.offering_id, d.service_tier, d.region, d.effective_from, d.effective_to, $2, d.source, d.source_ref,
            d.currency, d.reason, d.created_by
       FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, offering_id uuid, service_tier text, region text,
            effective_from timestamptz, effective_to timestamptz, source text, source_ref text, currency text,
            reason text, created_by text)`,
    [
      JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          offering_id: r.offeringId,
          service_tier: r.serviceTier,
          region: r.region,
          effective_from: r.effectiveFrom,
          effective_to: r.effectiveTo,
          source: r.source,
          source_ref: r.sourceRef ?? null,
          currency: r.currency,
          reason: r.reason ?? null,
          created_by: r.createdBy ?? null,
        })),
      ),
      recordedAt,
    ],
  );
  const components = rows.flatMap((r) =>
    r.components.map((c) => ({
      version_id: r.id,
      unit: c.unit,
      amount: c.amount,
      above: c.prompt_tokens_above ?? 0,
      ws: c.window_start ?? null,
      we: c.window_end ?? null,
    })),
  );
  if (components.length) {
    await execute(
      m,
      `INSERT INTO price_components (version_id, unit, amount, prompt_tokens_above, window_start, window_end)
       SELECT d.version_id, d.unit, d.amount, d.above, d.ws, d.we
         FROM jsonb_to_recordset($1::jsonb) AS d(version_id uuid, unit text, amount numeric, above bigint, ws time, we time)`,
      [JSON.stringify(components)],
    );
  }
  return rows.map((r) => r.id);
}

/** Closes the covering version at effective_from and inserts the new one with its components. Returns its id. */
export async function applyPlan(m: EntityManager, plan: VersionPlan, recordedAt = new Date()): Promise<string> {
  const { input, replaces } = plan;
  if (replaces && new Date(replaces.effective_from).getTime() === input.effectiveFrom.getTime()) {
    throw DomainError.conflict(
      'PRICE_VERSION_EXISTS',
      `A price version already starts at ${replaces.effective_from}; choose another effective date.`,
      { version_id: replaces.id },
    );
  }
  const [id] = await writeVersions(
    m,
    [{ ...input, effectiveTo: plan.effectiveTo, closes: replaces?.id ?? null }],
    recordedAt,
  );
  return id;
}

/**
 * Gives an offering its first price when it has none at all (built-in offerings such as the local echo provider), in
 * the caller's transaction; an offering with any price history is left alone. Resolves true when it wrote one.
 */
export async function ensurePriced(m: EntityManager, input: NewVersion): Promise<boolean> {
  const [{ priced }] = await query<{ priced: boolean }>(
    m,
    `SELECT EXISTS (SELECT 1 FROM price_versions WHERE offering_id = $1) AS priced`,
    [input.offeringId],
  );
  if (priced) return false;
  await applyPlan(m, await planVersion(m, input));
  return true;
}
