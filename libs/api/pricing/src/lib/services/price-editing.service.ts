import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, AuditService } from '@mph/api-auth';
import { OfferingDirectoryService, OfferingInfo } from '@mph/api-catalog';
import { DomainError, Principal, query, ResponseCache } from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';
import { Money } from '../decimal';
import type { BulkPreviewDto, BulkPriceDto, PricePreviewDto, SetPriceDto } from '../dto/price-editing.dto';
import { PriceLockEntity } from '../entities';
import { offeringDto, PriceReadService } from './price-read.service';
import { applyPlan, planVersion, VersionPlan } from './price-writer';

/** Thrown inside a transaction to roll back a dry run after the plan was computed. */
class DryRun<T> extends Error {
  constructor(readonly result: T) {
    super('dry run');
  }
}

const auditSnapshot = (plan: VersionPlan) => ({
  before: plan.replaces
    ? { version_id: plan.replaces.id, currency: plan.replaces.currency, components: plan.replaces.components }
    : null,
  after: {
    effective_from: plan.input.effectiveFrom.toISOString(),
    effective_to: plan.effectiveTo?.toISOString() ?? null,
    service_tier: plan.input.serviceTier,
    region: plan.input.region,
    currency: plan.input.currency,
    components: plan.input.components,
    reason: plan.input.reason,
  },
});

/** How far in the past an edit may start without being a correction (a preview, then its apply, takes minutes). */
export const BACKDATE_GRACE_MS = 15 * 60_000;

/**
 * A start in the past rewrites the prices usage was already charged at: it must say so (`correction: true`), or it is
 * refused with what to do. Returns whether the edit is a correction.
 */
export function checkBackdating(effectiveFrom: Date, correction: boolean | undefined, now = new Date()): boolean {
  const past = effectiveFrom.getTime() < now.getTime() - BACKDATE_GRACE_MS;
  if (past && !correction) {
    throw DomainError.unprocessable(
      'PRICE_BACKDATED',
      `effective_from ${effectiveFrom.toISOString()} is in the past: usage since then was already priced at the ` +
        'prices in force. To correct history, send correction: true (it is audited as a correction and the answer ' +
        'says how to re-price that usage); otherwise leave effective_from out (now) or choose a future date.',
      { effective_from: effectiveFrom.toISOString(), field: 'effective_from' },
    );
  }
  return past;
}

/** Operators' price edits: one offering with a diff preview, provider-wide percentages, and sync locks. All audited. */
@Injectable()
export class PriceEditingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cache: ResponseCache,
    private readonly read: PriceReadService,
    private readonly offerings: OfferingDirectoryService,
  ) {}

  /** Runs `work` in a transaction; a dry run rolls it back but still returns what it computed. */
  private async transaction<T>(dryRun: boolean, work: (m: EntityManager) => Promise<T>): Promise<T> {
    try {
      const result = await this.dataSource.transaction(async (m) => {
        const r = await work(m);
        if (dryRun) throw new DryRun(r);
        return r;
      });
      this.cache.invalidate('prices');
      this.cache.invalidate('catalog');
      return result;
    } catch (e) {
      if (e instanceof DryRun) return e.result as T;
      throw e;
    }
  }

  /** Locks the offering row (so concurrent edits queue) and returns it; 404 when it is unknown or deleted. */
  private async offering(m: EntityManager, offeringId: string): Promise<OfferingInfo> {
    const [row] = await this.offerings.lockLive(m, { id: offeringId });
    if (!row) throw DomainError.notFound('OFFERING_NOT_FOUND', `No offering ${offeringId}.`);
    return row;
  }

  setPrice(by: Principal, offeringId: string, input: SetPriceDto): Promise<PricePreviewDto> {
    const effectiveFrom = input.effective_from ? new Date(input.effective_from) : new Date();
    const correction = checkBackdating(effectiveFrom, input.correction);
    return this.transaction(input.dry_run === true, async (m) => {
      const offering = await this.offering(m, offeringId);
      const plan = await planVersion(m, {
        offeringId,
        serviceTier: input.service_tier ?? 'standard',
        region: input.region ?? '',
        effectiveFrom,
        currency: input.currency ?? 'USD',
        source: 'manual',
        reason: input.reason,
        createdBy: by.email,
        components: input.components,
      });
      const preview: PricePreviewDto = {
        offering_id: offeringId,
        applied: false,
        effective_from: effectiveFrom.toISOString(),
        effective_to: plan.effectiveTo?.toISOString() ?? null,
        replaces: plan.replaces,
        changes: plan.changes,
        currency_changed: plan.currencyChanged,
        version: null,
        reprice: correction
          ? {
              from: effectiveFrom.toISOString(),
              to: (plan.effectiveTo ?? new Date()).toISOString(),
              provider: offering.provider,
              model: offering.provider_model_id,
              offering_id: offeringId,
              reason: `Price correction: ${input.reason}`.slice(0, 500),
            }
          : null,
      };
      if (input.dry_run) return preview;
      if (plan.unchanged) {
        throw DomainError.unprocessable(
          'PRICE_UNCHANGED',
          'These are already the prices in force at that instant; nothing to save.',
        );
      }
      const versionId = await applyPlan(m, plan);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: correction ? 'price.corrected' : 'price.changed',
        targetType: 'offering',
        targetId: offeringId,
        ...auditSnapshot(plan),
      });
      const version = await this.read.versionById(versionId, m);
      return { ...preview, applied: true, version };
    });
  }

  /** A percentage change to every priced offering of a provider (optionally some units), previewed or applied. */
  bulkChange(by: Principal, input: BulkPriceDto): Promise<BulkPreviewDto> {
    const factor = new Money(100).plus(input.percent).div(100);
    if (factor.lte(0.01) || factor.gt(11)) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'percent must be between -99 and +1000.', [
        { field: 'percent', problems: ['between -99 and 1000'] },
      ]);
    }
    const effectiveFrom = input.effective_from ? new Date(input.effective_from) : new Date();
    const correction = checkBackdating(effectiveFrom, input.correction);
    const tier = input.service_tier ?? 'standard';
    const units = input.units?.length ? new Set(input.units) : null;
    return this.transaction(input.dry_run === true, async (m) => {
      const offerings = await this.offerings.lockLive(m, { provider: input.provider });
      if (!offerings.length) {
        throw DomainError.notFound('PROVIDER_HAS_NO_OFFERINGS', `"${input.provider}" serves no offerings.`);
      }
      const result: BulkPreviewDto = {
        applied: !input.dry_run,
        effective_from: effectiveFrom.toISOString(),
        data: [],
        skipped_unpriced: 0,
      };
      for (const o of offerings) {
        const versions = await query<{ region: string }>(
          m,
          `SELECT DISTINCT region FROM price_versions v WHERE v.offering_id = $1 AND v.service_tier = $2
             AND v.effective_from <= $3 AND (v.effective_to IS NULL OR v.effective_to > $3)`,
          [o.id, tier, effectiveFrom],
        );
        if (!versions.length) result.skipped_unpriced++;
        for (const { region } of versions) {
          const current = await this.read.versionAt(o.id, effectiveFrom, { serviceTier: tier, region }, m);
          if (!current || current.region !== region) continue;
          const plan = await planVersion(m, {
            offeringId: o.id,
            serviceTier: tier,
            region,
            effectiveFrom,
            currency: current.currency,
            source: 'manual',
            reason: input.reason,
            createdBy: by.email,
            components: current.components.map((c) => ({
              ...c,
              amount: !units || units.has(c.unit) ? new Money(c.amount).times(factor).toFixed() : c.amount,
            })),
          });
          if (plan.unchanged) continue;
          result.data.push({ model_id: o.model_id, offering: offeringDto(o), changes: plan.changes });
          if (input.dry_run) continue;
          await applyPlan(m, plan);
          await this.audit.record(m, {
            actor: actorOf(by),
            action: correction ? 'price.corrected' : 'price.changed',
            targetType: 'offering',
            targetId: o.id,
            ...auditSnapshot(plan),
          });
        }
      }
      return result;
    });
  }

  lock(by: Principal, offeringId: string, reason: string | undefined): Promise<PriceLockEntity> {
    return this.transaction(false, async (m) => {
      await this.offering(m, offeringId);
      const before = await m.findOne(PriceLockEntity, { where: { offeringId } });
      const lock = await m.save(
        m.create(PriceLockEntity, { offeringId, lockedBy: by.email, lockedAt: new Date(), reason: reason ?? null }),
      );
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'price.locked',
        targetType: 'offering',
        targetId: offeringId,
        before: before ? { locked_by: before.lockedBy, reason: before.reason } : null,
        after: { locked_by: lock.lockedBy, reason: lock.reason },
      });
      return lock;
    });
  }

  unlock(by: Principal, offeringId: string): Promise<void> {
    return this.transaction(false, async (m) => {
      await this.offering(m, offeringId);
      const lock = await m.findOne(PriceLockEntity, { where: { offeringId } });
      if (!lock) throw DomainError.notFound('PRICE_NOT_LOCKED', 'This offering’s prices are not locked.');
      await m.delete(PriceLockEntity, { offeringId });
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'price.unlocked',
        targetType: 'offering',
        targetId: offeringId,
        before: { locked_by: lock.lockedBy, reason: lock.reason },
      });
    });
  }

  async lockOf(offeringId: string): Promise<PriceLockEntity | null> {
    return this.dataSource.getRepository(PriceLockEntity).findOne({ where: { offeringId } });
  }
}
