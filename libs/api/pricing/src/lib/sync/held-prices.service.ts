import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, AuditService } from '@mph/api-auth';
import { OfferingDirectoryService, OfferingInfo } from '@mph/api-catalog';
import { DomainError, pageWindow, Principal, query, ResponseCache } from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';
import type { ServiceTier } from '../entities';
import { basisOf } from '../price-units';
import { applyPlan, NewComponent, planVersion } from '../services/price-writer';
import type { DecideHeldPriceDto, HeldPriceDto, HeldPricePageDto, HeldPricesQueryDto } from './sync.dto';

interface HeldRow {
  id: string;
  offering_id: string;
  run_id: string | null;
  source: string;
  service_tier: ServiceTier;
  region: string;
  currency: string;
  effective_from: Date;
  components: Required<NewComponent>[];
  unit: string;
  amount: string;
  reference: string;
  factor: string;
  kind: string;
  looks_like: string | null;
  reason: string;
  status: string;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  version_id: string | null;
  created_at: Date;
}

const COLUMNS = `id, offering_id::text, run_id::text, source, service_tier, region, currency, effective_from, components,
  unit, amount::text, reference::text, factor::text, kind, looks_like, reason, status, decided_by,
  decided_at, decision_note, version_id::text, created_at`;

/**
 * The review queue of prices the sync's sanity guards held: list them, publish one (approve: written through the one
 * price writer as the feed gave it, from when the feed said) or drop it (reject: a later run with the same price does
 * not ask again). Each decision is audited.
 */
@Injectable()
export class HeldPricesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly offerings: OfferingDirectoryService,
    private readonly audit: AuditService,
    private readonly cache: ResponseCache,
  ) {}

  async list(q: HeldPricesQueryDto): Promise<HeldPricePageDto> {
    const window = pageWindow(q);
    const params: unknown[] = [q.status ?? 'held'];
    let where = 'status = $1';
    if (q.source) {
      params.push(q.source);
      where += ` AND source = $${params.length}`;
    }
    const [rows, [{ total }]] = await Promise.all([
      query<HeldRow>(
        this.dataSource,
        `SELECT ${COLUMNS} FROM held_prices WHERE ${where}
          ORDER BY created_at DESC, id LIMIT ${window.limit} OFFSET ${window.offset}`,
        params,
      ),
      query<{ total: number }>(
        this.dataSource,
        `SELECT count(*)::int AS total FROM held_prices WHERE ${where}`,
        params,
      ),
    ]);
    const offerings = await this.offerings.byIds(
      rows.map((r) => r.offering_id),
      { includeDeleted: true },
    );
    return {
      data: rows.flatMap((r) => {
        const o = offerings.get(r.offering_id);
        return o ? [dto(r, o)] : [];
      }),
      meta: { page: window.page, per_page: window.perPage, total },
    };
  }

  /**
   * Publishes the held price set as the feed gave it, from the instant the feed said (as the sync would have); when
   * another version already starts at that very instant, from now. Re-pricing usage since then is the operator's
   * call (the answer's `effective_from` says from when the price holds).
   */
  approve(by: Principal, id: string, input: DecideHeldPriceDto): Promise<HeldPriceDto> {
    return this.decide(by, id, input, async (m, held) => {
      const base = {
        offeringId: held.offering_id,
        serviceTier: held.service_tier,
        region: held.region,
        currency: held.currency,
        source: held.source,
        reason: `held price approved${input.note ? `: ${input.note}` : ''}`.slice(0, 500),
        createdBy: by.email,
        components: held.components,
      };
      let plan = await planVersion(m, { ...base, effectiveFrom: held.effective_from });
      if (plan.replaces && new Date(plan.replaces.effective_from).getTime() === held.effective_from.getTime()) {
        plan = await planVersion(m, { ...base, effectiveFrom: new Date() });
      }
      const versionId = plan.unchanged ? (plan.replaces?.id ?? null) : await applyPlan(m, plan);
      return {
        status: 'approved',
        versionId,
        audit: {
          effective_from: plan.input.effectiveFrom.toISOString(),
          written: !plan.unchanged,
          before: plan.replaces ? { version_id: plan.replaces.id, components: plan.replaces.components } : null,
        },
      };
    });
  }

  reject(by: Principal, id: string, input: DecideHeldPriceDto): Promise<HeldPriceDto> {
    return this.decide(by, id, input, async () => ({ status: 'rejected', versionId: null, audit: {} }));
  }

  private async decide(
    by: Principal,
    id: string,
    input: DecideHeldPriceDto,
    work: (
      m: EntityManager,
      held: HeldRow,
    ) => Promise<{ status: 'approved' | 'rejected'; versionId: string | null; audit: Record<string, unknown> }>,
  ): Promise<HeldPriceDto> {
    const result = await this.dataSource.transaction(async (m) => {
      const [held] = await query<HeldRow>(m, `SELECT ${COLUMNS} FROM held_prices WHERE id = $1 FOR UPDATE`, [id]);
      if (!held) throw DomainError.notFound('HELD_PRICE_NOT_FOUND', `No held price ${id}.`);
      if (held.status !== 'held') {
        throw DomainError.conflict(
          'HELD_PRICE_DECIDED',
          held.status === 'superseded'
            ? 'The feed has since reported another price for this offering; this one is no longer asked about.'
            : `This price was already ${held.status}${held.decided_by ? ` by ${held.decided_by}` : ''}.`,
        );
      }
      const [offering] = await this.offerings.lockLive(m, { id: held.offering_id });
      if (!offering) {
        throw DomainError.conflict('OFFERING_NOT_FOUND', 'The offering was deleted; reject this held price instead.');
      }
      const done = await work(m, held);
      const [row] = await query<HeldRow>(
        m,
        `UPDATE held_prices SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4, version_id = $5
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, done.status, by.email, input.note ?? null, done.versionId],
      );
      await this.audit.record(m, {
        actor: actorOf(by),
        action: `price.held_${done.status}`,
        targetType: 'offering',
        targetId: held.offering_id,
        after: {
          held_price_id: id,
          source: held.source,
          service_tier: held.service_tier,
          region: held.region,
          currency: held.currency,
          components: held.components,
          reason: held.reason,
          note: input.note ?? null,
          version_id: done.versionId,
          ...done.audit,
        },
      });
      return { row, offering, status: done.status };
    });
    if (result.status === 'approved') {
      this.cache.invalidate('prices');
      this.cache.invalidate('catalog');
    }
    return dto(result.row, result.offering);
  }
}

function dto(r: HeldRow, o: OfferingInfo): HeldPriceDto {
  return {
    id: r.id,
    offering: {
      id: o.id,
      provider: o.provider,
      provider_model_id: o.provider_model_id,
      context_window: o.context_window,
      max_output: o.max_output,
      status: o.status,
    },
    model_id: o.model_id,
    source: r.source,
    run_id: r.run_id,
    service_tier: r.service_tier,
    region: r.region,
    currency: r.currency.trim(),
    effective_from: new Date(r.effective_from).toISOString(),
    components: r.components.map((c) => ({
      unit: c.unit,
      amount: c.amount,
      per: basisOf(c.unit),
      prompt_tokens_above: c.prompt_tokens_above ?? 0,
      window_start: c.window_start ?? null,
      window_end: c.window_end ?? null,
    })),
    unit: r.unit,
    amount: r.amount,
    reference: r.reference,
    factor: r.factor,
    kind: r.kind,
    looks_like: r.looks_like,
    reason: r.reason,
    status: r.status,
    decided_by: r.decided_by,
    decided_at: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    decision_note: r.decision_note,
    version_id: r.version_id,
    created_at: new Date(r.created_at).toISOString(),
  };
}
