import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ModelPriceSql,
  OfferingDirectoryService,
  OfferingDto,
  OfferingInfo,
  OfferingPriceDto,
  PriceVersionDto,
} from '@mph/api-catalog';
import { DomainError, query, ReadDatabase } from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';
import { Money } from '../decimal';
import { basisOf } from '../price-units';
import type { ServiceTier } from '../entities';
import { dated, pickInForce } from '../read-model/in-force';

/** The columns of a version plus its components as one JSON array (amounts as text, never floats). */
export const VERSION_SQL = `
  v.id, v.offering_id, v.service_tier, v.region, v.effective_from, v.effective_to, v.recorded_at, v.source,
  v.source_ref, v.currency, v.reason,
  (SELECT coalesce(json_agg(json_build_object(
            'unit', c.unit, 'amount', c.amount::text, 'prompt_tokens_above', c.prompt_tokens_above,
            'window_start', c.window_start::text, 'window_end', c.window_end::text)
          ORDER BY c.unit, c.prompt_tokens_above, c.window_start NULLS FIRST), '[]'::json)
     FROM price_components c WHERE c.version_id = v.id) AS components`;

export interface VersionRow {
  id: string;
  offering_id: string;
  service_tier: string;
  region: string;
  effective_from: Date;
  effective_to: Date | null;
  recorded_at: Date;
  source: string;
  source_ref: string | null;
  currency: string;
  reason: string | null;
  components: {
    unit: string;
    amount: string;
    prompt_tokens_above: number;
    window_start: string | null;
    window_end: string | null;
  }[];
}

export function versionDto(r: VersionRow): PriceVersionDto {
  return {
    id: r.id,
    offering_id: r.offering_id,
    service_tier: r.service_tier,
    region: r.region,
    effective_from: r.effective_from.toISOString(),
    effective_to: r.effective_to?.toISOString() ?? null,
    recorded_at: r.recorded_at.toISOString(),
    source: r.source,
    source_ref: r.source_ref,
    currency: r.currency.trim(),
    reason: r.reason,
    components: r.components.map((c) => ({
      unit: c.unit,
      amount: c.amount,
      per: basisOf(c.unit),
      prompt_tokens_above: Number(c.prompt_tokens_above),
      window_start: c.window_start,
      window_end: c.window_end,
    })),
  };
}

export function offeringDto(o: OfferingInfo): OfferingDto {
  return {
    id: o.id,
    provider: o.provider,
    provider_model_id: o.provider_model_id,
    context_window: o.context_window,
    max_output: o.max_output,
    status: o.status,
  };
}

/** Base-tier input + output per 1M tokens: the key for "cheapest first". Null when either is unknown. */
export function inputPlusOutput(v: PriceVersionDto | null): string | null {
  if (!v) return null;
  const base = (unit: string) =>
    v.components.find((c) => c.unit === unit && c.prompt_tokens_above === 0 && c.window_start === null)?.amount;
  const input = base('input');
  const output = base('output');
  return input === undefined || output === undefined ? null : new Money(input).plus(output).toFixed();
}

/** The catalog's search composes this into its statements (MODEL_PRICE_SQL): an offering's base prices now. */
export const MODEL_PRICE_SQL_IMPL: ModelPriceSql = {
  basePricesNow: (offering) => `(
    SELECT ci.amount AS input, co.amount AS output, v.currency
      FROM price_versions v
      JOIN price_components ci ON ci.version_id = v.id AND ci.unit = 'input' AND ci.prompt_tokens_above = 0
           AND ci.window_start IS NULL
      JOIN price_components co ON co.version_id = v.id AND co.unit = 'output' AND co.prompt_tokens_above = 0
           AND co.window_start IS NULL
     WHERE v.offering_id = ${offering} AND v.service_tier = 'standard' AND v.region = ''
       AND v.effective_from <= now() AND (v.effective_to IS NULL OR v.effective_to > now()))`,
};

/** The version `v` replaced (same offering and conditions, ending where it starts), as JSON. */
const PREVIOUS_SQL = `(SELECT row_to_json(x) FROM (
    SELECT ${VERSION_SQL.replace(/\bv\./g, 'p.')}
      FROM price_versions p
     WHERE p.offering_id = v.offering_id AND p.service_tier = v.service_tier AND p.region = v.region
       AND p.effective_to = v.effective_from
  ) x)`;

/** A recorded price version with the one it replaced (the changes feed). */
export interface PriceChange {
  model_id: string;
  offering: OfferingDto;
  version: PriceVersionDto;
  previous: PriceVersionDto | null;
}

/** In-force condition on a version alias `v` for the instant parameter `$n`. */
const inForce = (n: number) => `v.effective_from <= $${n} AND (v.effective_to IS NULL OR v.effective_to > $${n})`;

/** Reads prices: point in time, per model, history, and the changes feed. Every read is one indexed statement. */
@Injectable()
export class PriceReadService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    /** The price list and changes feed (public, anonymous) may come from the read replica. */
    private readonly reads: ReadDatabase,
    private readonly offerings: OfferingDirectoryService,
  ) {}

  /**
   * The version of an offering in force at `at` under a service tier and region (the rule of `pickInForce`), read in
   * the caller's transaction: for price editing, which must see its own writes. Everyone else asks the
   * PricingReadModel. Null when nothing is known (unknown is not free).
   */
  async versionAt(
    offeringId: string,
    at: Date,
    conditions: { serviceTier?: ServiceTier; region?: string } = {},
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PriceVersionDto | null> {
    const tier = conditions.serviceTier ?? 'standard';
    const history = await this.history(offeringId, { serviceTier: tier }, manager);
    return pickInForce(dated(history), at, tier, conditions.region ?? '');
  }

  /** Every live offering of a model with its standard, default-region price at `at`; cheapest first. */
  async pricesOfModel(modelId: string, at: Date): Promise<OfferingPriceDto[]> {
    const offerings = await this.offerings.list({ modelId });
    const rows = await query<{ offering_id: string; locked: boolean; version: VersionRow | null }>(
      this.dataSource,
      `SELECT o.id::text AS offering_id,
              EXISTS (SELECT 1 FROM price_locks l WHERE l.offering_id = o.id) AS locked,
              (SELECT row_to_json(x) FROM (
                 SELECT ${VERSION_SQL} FROM price_versions v
                  WHERE v.offering_id = o.id AND v.service_tier = 'standard' AND v.region = '' AND ${inForce(2)}
              ) x) AS version
         FROM unnest($1::uuid[]) AS o(id)`,
      [offerings.map((o) => o.id), at],
    );
    const byId = new Map(rows.map((r) => [r.offering_id, r]));
    const result = offerings.map((o) => {
      const r = byId.get(o.id);
      const price = r?.version ? versionDto(reviveDates(r.version)) : null;
      return { offering: offeringDto(o), locked: r?.locked ?? false, price, input_plus_output: inputPlusOutput(price) };
    });
    return result.sort((a, b) => {
      if (a.input_plus_output === null || b.input_plus_output === null) {
        if (a.input_plus_output !== b.input_plus_output) return a.input_plus_output === null ? 1 : -1;
      } else {
        const d = new Money(a.input_plus_output).comparedTo(b.input_plus_output);
        if (d !== 0) return d;
      }
      return (a.offering.provider + a.offering.provider_model_id).localeCompare(
        b.offering.provider + b.offering.provider_model_id,
      );
    });
  }

  async versionById(id: string, manager: EntityManager = this.dataSource.manager): Promise<PriceVersionDto | null> {
    const rows = await query<VersionRow>(manager, `SELECT ${VERSION_SQL} FROM price_versions v WHERE v.id = $1`, [id]);
    return rows.length ? versionDto(rows[0]) : null;
  }

  /** A live offering with its lock flag; 404 when unknown or deleted. */
  async offering(offeringId: string): Promise<{ model_id: string; offering: OfferingDto; locked: boolean }> {
    const o = await this.offerings.byId(offeringId);
    if (!o) throw DomainError.notFound('OFFERING_NOT_FOUND', `No offering ${offeringId}.`);
    const [{ locked }] = await query<{ locked: boolean }>(
      this.dataSource,
      `SELECT EXISTS (SELECT 1 FROM price_locks WHERE offering_id = $1) AS locked`,
      [offeringId],
    );
    return { model_id: o.model_id, offering: offeringDto(o), locked };
  }

  /** All versions of an offering, newest first, optionally for one service tier / region. */
  async history(
    offeringId: string,
    filter: { serviceTier?: string; region?: string } = {},
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PriceVersionDto[]> {
    const rows = await query<VersionRow>(
      manager,
      `SELECT ${VERSION_SQL} FROM price_versions v
        WHERE v.offering_id = $1 AND ($2::text IS NULL OR v.service_tier = $2) AND ($3::text IS NULL OR v.region = $3)
        ORDER BY v.effective_from DESC, v.service_tier, v.region`,
      [offeringId, filter.serviceTier ?? null, filter.region ?? null],
    );
    return rows.map(versionDto);
  }

  /** Prices in force at an instant across offerings, filtered by provider / model / tier; one page. */
  async pricesAt(q: {
    at: Date;
    provider?: string;
    modelId?: string;
    serviceTier?: string;
    offset: number;
    limit: number;
    /** May the read replica answer (anonymous callers only; see ReadDatabase)? */
    replica?: boolean;
  }): Promise<{ rows: { model_id: string; offering: OfferingDto; price: PriceVersionDto }[]; total: number }> {
    const db = this.reads.on(q.replica ?? false);
    // The offerings in the list's order (model, provider, id) come from the catalog; their versions in force from
    // here, paged in that order.
    const offerings = await this.offerings.list({ provider: q.provider, modelId: q.modelId }, db);
    const byId = new Map(offerings.map((o) => [o.id, o]));
    const params = [offerings.map((o) => o.id), q.at, q.serviceTier ?? null];
    const from = `unnest($1::uuid[]) WITH ORDINALITY AS o(id, ord) JOIN price_versions v ON v.offering_id = o.id
      WHERE ${inForce(2)} AND ($3::text IS NULL OR v.service_tier = $3)`;
    const [rows, [{ total }]] = await Promise.all([
      db.query<VersionRow[]>(
        `SELECT ${VERSION_SQL} FROM ${from} ORDER BY o.ord, v.service_tier, v.region LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      ),
      db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM ${from}`, params),
    ]);
    return {
      rows: rows.map((r) => {
        const o = byId.get(r.offering_id) as OfferingInfo;
        return { model_id: o.model_id, offering: offeringDto(o), price: versionDto(r) };
      }),
      total,
    };
  }

  /**
   * Versions recorded after `since` (oldest first), each with the version it replaced. Resume with the last
   * item's `recorded_at` and `id` as the cursor.
   */
  async changes(
    since: Date,
    after: { recordedAt: Date; id: string } | null,
    limit: number,
    replica = false,
  ): Promise<PriceChange[]> {
    const rows = await query<VersionRow & { previous: VersionRow | null }>(
      this.reads.on(replica),
      `SELECT ${VERSION_SQL}, ${PREVIOUS_SQL} AS previous
         FROM price_versions v
        WHERE v.recorded_at > $1 AND ($2::timestamptz IS NULL OR (v.recorded_at, v.id) > ($2, $3::uuid))
        ORDER BY v.recorded_at, v.id
        LIMIT ${limit}`,
      [since, after?.recordedAt ?? null, after?.id ?? null],
    );
    return this.withOfferings(rows, replica);
  }

  /** The latest price changes, newest first: versions that replaced an earlier one (a first price is not a change). */
  async recentChanges(limit: number, replica = false): Promise<PriceChange[]> {
    const rows = await query<VersionRow & { previous: VersionRow | null }>(
      this.reads.on(replica),
      // Walks the recorded_at index backwards and stops at the limit; each step is one lookup of ix_price_versions_lookup.
      `SELECT ${VERSION_SQL}, ${PREVIOUS_SQL} AS previous
         FROM price_versions v
        WHERE EXISTS (SELECT 1 FROM price_versions p
                       WHERE p.offering_id = v.offering_id AND p.service_tier = v.service_tier
                         AND p.region = v.region AND p.effective_to = v.effective_from)
        ORDER BY v.recorded_at DESC, v.id DESC
        LIMIT ${limit}`,
    );
    return this.withOfferings(rows, replica);
  }

  private async withOfferings(
    rows: (VersionRow & { previous: VersionRow | null })[],
    replica: boolean,
  ): Promise<PriceChange[]> {
    // A change stays in the feed after its offering is deleted: the catalog still names it.
    const offerings = await this.offerings.byIds(
      rows.map((r) => r.offering_id),
      { includeDeleted: true, db: this.reads.on(replica) },
    );
    return rows.flatMap((r) => {
      const o = offerings.get(r.offering_id);
      if (!o) return [];
      return [
        {
          model_id: o.model_id,
          offering: offeringDto(o),
          version: versionDto(r),
          previous: r.previous ? versionDto(reviveDates(r.previous)) : null,
        },
      ];
    });
  }
}

/** row_to_json turns timestamps into strings; the mappers expect Dates. */
function reviveDates(v: VersionRow): VersionRow {
  const d = (x: Date | string | null) => (x === null ? null : new Date(x));
  return {
    ...v,
    effective_from: d(v.effective_from) as Date,
    effective_to: d(v.effective_to),
    recorded_at: d(v.recorded_at) as Date,
  };
}
