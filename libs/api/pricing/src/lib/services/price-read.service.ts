import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { OfferingDto, OfferingPriceDto, PriceVersionDto } from '@mph/api-catalog';
import { DomainError, ReadDatabase } from '@mph/api-core';
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

export const OFFERING_SQL = `o.id AS o_id, o.provider_slug AS o_provider, o.provider_model_id AS o_provider_model_id,
  o.context_window AS o_context_window, o.max_output AS o_max_output, o.status AS o_status, o.model_id AS o_model_id`;

export interface OfferingRow {
  o_id: string;
  o_provider: string;
  o_provider_model_id: string;
  o_context_window: number | null;
  o_max_output: number | null;
  o_status: string;
  o_model_id: string;
}

export function offeringDto(r: OfferingRow): OfferingDto {
  return {
    id: r.o_id,
    provider: r.o_provider,
    provider_model_id: r.o_provider_model_id,
    context_window: r.o_context_window,
    max_output: r.o_max_output,
    status: r.o_status,
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

/** In-force condition on a version alias `v` for the instant parameter `$n`. */
const inForce = (n: number) => `v.effective_from <= $${n} AND (v.effective_to IS NULL OR v.effective_to > $${n})`;

/** Reads prices: point in time, per model, history, and the changes feed. Every read is one indexed statement. */
@Injectable()
export class PriceReadService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    /** The price list and changes feed (public, anonymous) may come from the read replica. */
    private readonly reads: ReadDatabase,
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
    const rows: (OfferingRow & { locked: boolean; version: VersionRow | null })[] = await this.dataSource.query(
      `SELECT ${OFFERING_SQL},
              EXISTS (SELECT 1 FROM price_locks l WHERE l.offering_id = o.id) AS locked,
              (SELECT row_to_json(x) FROM (
                 SELECT ${VERSION_SQL} FROM price_versions v
                  WHERE v.offering_id = o.id AND v.service_tier = 'standard' AND v.region = '' AND ${inForce(2)}
              ) x) AS version
         FROM offerings o
        WHERE o.model_id = $1 AND o.deleted_at IS NULL`,
      [modelId, at],
    );
    const result = rows.map((r) => {
      const price = r.version ? versionDto(reviveDates(r.version)) : null;
      return { offering: offeringDto(r), locked: r.locked, price, input_plus_output: inputPlusOutput(price) };
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
    const rows: VersionRow[] = await manager.query(`SELECT ${VERSION_SQL} FROM price_versions v WHERE v.id = $1`, [id]);
    return rows.length ? versionDto(rows[0]) : null;
  }

  /** A live offering with its lock flag; 404 when unknown or deleted. */
  async offering(offeringId: string): Promise<{ model_id: string; offering: OfferingDto; locked: boolean }> {
    const [row]: (OfferingRow & { locked: boolean })[] = await this.dataSource.query(
      `SELECT ${OFFERING_SQL}, EXISTS (SELECT 1 FROM price_locks l WHERE l.offering_id = o.id) AS locked
         FROM offerings o WHERE o.id = $1 AND o.deleted_at IS NULL`,
      [offeringId],
    );
    if (!row) throw DomainError.notFound('OFFERING_NOT_FOUND', `No offering ${offeringId}.`);
    return { model_id: row.o_model_id, offering: offeringDto(row), locked: row.locked };
  }

  /** All versions of an offering, newest first, optionally for one service tier / region. */
  async history(
    offeringId: string,
    filter: { serviceTier?: string; region?: string } = {},
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PriceVersionDto[]> {
    const rows: VersionRow[] = await manager.query(
      `SELECT ${VERSION_SQL} FROM price_versions v
        WHERE v.offering_id = $1 AND ($2::text IS NULL OR v.service_tier = $2) AND ($3::text IS NULL OR v.region = $3)
        ORDER BY v.effective_from DESC, v.service_tier, v.region`,
      [offeringId, filter.serviceTier ?? null, filter.region ?? null],
    );
    return rows.map(versionDto);
  }

  /** Prices in force at an instant across offerings, filtered by provider / model / tier; one page. */
  async pricesAt(query: {
    at: Date;
    provider?: string;
    modelId?: string;
    serviceTier?: string;
    offset: number;
    limit: number;
    /** May the read replica answer (anonymous callers only; see ReadDatabase)? */
    replica?: boolean;
  }): Promise<{ rows: { model_id: string; offering: OfferingDto; price: PriceVersionDto }[]; total: number }> {
    const db = this.reads.on(query.replica ?? false);
    const params = [query.at, query.provider ?? null, query.modelId ?? null, query.serviceTier ?? null];
    const where = `o.deleted_at IS NULL AND ${inForce(1)}
      AND ($2::text IS NULL OR o.provider_slug = $2) AND ($3::text IS NULL OR o.model_id = $3)
      AND ($4::text IS NULL OR v.service_tier = $4)`;
    const [rows, [{ total }]] = await Promise.all([
      db.query<(OfferingRow & VersionRow)[]>(
        `SELECT ${OFFERING_SQL}, ${VERSION_SQL}
           FROM price_versions v JOIN offerings o ON o.id = v.offering_id
          WHERE ${where}
          ORDER BY o.model_id, o.provider_slug, o.provider_model_id, v.service_tier, v.region
          LIMIT ${query.limit} OFFSET ${query.offset}`,
        params,
      ),
      db.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM price_versions v JOIN offerings o ON o.id = v.offering_id WHERE ${where}`,
        params,
      ),
    ]);
    return {
      rows: rows.map((r) => ({ model_id: r.o_model_id, offering: offeringDto(r), price: versionDto(r) })),
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
  ): Promise<
    { model_id: string; offering: OfferingDto; version: PriceVersionDto; previous: PriceVersionDto | null }[]
  > {
    const rows: (OfferingRow & VersionRow & { previous: VersionRow | null })[] = await this.reads.on(replica).query(
      `SELECT ${OFFERING_SQL}, ${VERSION_SQL},
              (SELECT row_to_json(x) FROM (
                 SELECT ${VERSION_SQL.replace(/\bv\./g, 'p.').replace('c.version_id = p.id', 'c.version_id = p.id')}
                   FROM price_versions p
                  WHERE p.offering_id = v.offering_id AND p.service_tier = v.service_tier AND p.region = v.region
                    AND p.effective_to = v.effective_from
              ) x) AS previous
         FROM price_versions v JOIN offerings o ON o.id = v.offering_id
        WHERE v.recorded_at > $1 AND ($2::timestamptz IS NULL OR (v.recorded_at, v.id) > ($2, $3::uuid))
        ORDER BY v.recorded_at, v.id
        LIMIT ${limit}`,
      [since, after?.recordedAt ?? null, after?.id ?? null],
    );
    return rows.map((r) => ({
      model_id: r.o_model_id,
      offering: offeringDto(r),
      version: versionDto(r),
      previous: r.previous ? versionDto(reviveDates(r.previous)) : null,
    }));
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
