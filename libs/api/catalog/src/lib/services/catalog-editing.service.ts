import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, AuditService } from '@mph/api-auth';
import { DomainError, Principal, query, ResponseCache } from '@mph/api-core';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type {
  CreateModelDto,
  CreateOfferingDto,
  CreateVendorDto,
  UpdateModelDto,
  UpdateOfferingDto,
  UpdateVendorDto,
} from '../dto/editing.dto';
import { ModelEntity, OfferingEntity, VendorEntity } from '../entities';
import { CAPABILITY_FIELDS, CapabilityField } from '../identity/capabilities';
import { ModelCapabilitiesService } from './model-capabilities.service';

/** The editable columns of a model, by API field name. */
const MODEL_FIELDS: Record<string, keyof ModelEntity> = {
  display_name: 'displayName',
  creator_vendor: 'creatorVendor',
  description: 'description',
  context_window: 'contextWindow',
  max_output: 'maxOutput',
  input_modalities: 'inputModalities',
  output_modalities: 'outputModalities',
  tool_calling: 'toolCalling',
  structured_output: 'structuredOutput',
  reasoning: 'reasoning',
  vision: 'vision',
  open_weights: 'openWeights',
  license: 'license',
  release_date: 'releaseDate',
  knowledge_cutoff: 'knowledgeCutoff',
  last_updated: 'lastUpdated',
  deprecation_date: 'deprecationDate',
  aliases: 'aliases',
};

const isStated = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

function snapshot<T extends object>(entity: T, fields: (keyof T)[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((f) => [f, entity[f] instanceof Date ? (entity[f] as Date).toISOString() : entity[f]]),
  );
}

/** Operators' edits to vendors, models and offerings: validated, soft-deleted, each audited in its own transaction. */
@Injectable()
export class CatalogEditingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cache: ResponseCache,
    private readonly capabilities: ModelCapabilitiesService,
  ) {}

  /** One transaction; cached public answers are dropped once it committed. */
  private async write<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    this.cache.invalidate('catalog');
    return result;
  }

  createVendor(by: Principal, input: CreateVendorDto): Promise<VendorEntity> {
    return this.write(async (m) => {
      if (await m.findOne(VendorEntity, { where: { slug: input.slug } })) {
        throw DomainError.conflict('VENDOR_EXISTS', `A vendor "${input.slug}" already exists.`);
      }
      const vendor = await m.save(
        m.create(VendorEntity, {
          slug: input.slug,
          name: input.name.trim(),
          homepage: input.homepage ?? null,
          kinds: [...new Set(input.kinds)],
        }),
      );
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'vendor.created',
        targetType: 'vendor',
        targetId: vendor.slug,
        after: snapshot(vendor, ['name', 'homepage', 'kinds']),
      });
      return vendor;
    });
  }

  updateVendor(by: Principal, slug: string, input: UpdateVendorDto): Promise<VendorEntity> {
    return this.write(async (m) => {
      const vendor = await this.liveVendor(m, slug);
      const before = snapshot(vendor, ['name', 'homepage', 'kinds']);
      if (input.name !== undefined) vendor.name = input.name.trim();
      if (input.homepage !== undefined) vendor.homepage = input.homepage;
      if (input.kinds !== undefined) vendor.kinds = [...new Set(input.kinds)];
      vendor.updatedAt = new Date();
      await m.save(vendor);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'vendor.updated',
        targetType: 'vendor',
        targetId: slug,
        before,
        after: snapshot(vendor, ['name', 'homepage', 'kinds']),
      });
      return vendor;
    });
  }

  deleteVendor(by: Principal, slug: string): Promise<void> {
    return this.write(async (m) => {
      const vendor = await this.liveVendor(m, slug);
      const [{ n }] = await query<{ n: number }>(
        m,
        `SELECT count(*)::int AS n FROM offerings WHERE provider_slug = $1 AND deleted_at IS NULL`,
        [slug],
      );
      if (n > 0)
        throw DomainError.conflict(
          'VENDOR_IN_USE',
          `${vendor.name} still serves ${n} offering(s); delete or move them first.`,
        );
      vendor.deletedAt = new Date();
      await m.save(vendor);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'vendor.deleted',
        targetType: 'vendor',
        targetId: slug,
      });
    });
  }

  createModel(by: Principal, input: CreateModelDto): Promise<ModelEntity> {
    return this.write(async (m) => {
      const existing = await query<{ id: string }>(m, `SELECT id FROM models WHERE lower(id) = lower($1)`, [input.id]);
      if (existing.length) throw DomainError.conflict('MODEL_EXISTS', `A model "${existing[0].id}" already exists.`);
      if (input.creator_vendor) await this.liveVendor(m, input.creator_vendor, 'creator_vendor');
      await this.checkAliases(m, input.id, input.aliases);
      const model = m.create(ModelEntity, { id: input.id, author: input.id.split('/')[0], source: 'manual' });
      this.apply(model, input);
      await m.save(model);
      // What the operator states about a model they create is their decision: feeds do not override it.
      const given = input as unknown as Record<string, unknown>;
      const stated = Object.fromEntries(CAPABILITY_FIELDS.filter((f) => isStated(given[f])).map((f) => [f, given[f]]));
      await this.capabilities.setOperator(m, model.id, stated, actorOf(by).label);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'model.created',
        targetType: 'model',
        targetId: model.id,
        after: this.modelSnapshot(model),
      });
      return model;
    });
  }

  updateModel(by: Principal, id: string, input: UpdateModelDto): Promise<ModelEntity> {
    return this.write(async (m) => {
      const model = await this.liveModel(m, id);
      if (input.creator_vendor) await this.liveVendor(m, input.creator_vendor, 'creator_vendor');
      await this.checkAliases(m, model.id, input.aliases);
      const before = this.modelSnapshot(model);
      const decisions = this.capabilityDecisions(model, input);
      this.apply(model, input);
      model.updatedAt = new Date();
      await m.save(model);
      if (Object.keys(decisions).length) {
        await this.capabilities.setOperator(m, model.id, decisions, actorOf(by).label);
        Object.assign(model, await m.findOneByOrFail(ModelEntity, { id: model.id }));
      }
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'model.updated',
        targetType: 'model',
        targetId: model.id,
        before,
        after: this.modelSnapshot(model),
      });
      return model;
    });
  }

  deleteModel(by: Principal, id: string): Promise<void> {
    return this.write(async (m) => {
      const model = await this.liveModel(m, id);
      model.deletedAt = new Date();
      await m.save(model);
      await m.update(OfferingEntity, { modelId: model.id, deletedAt: IsNull() }, { deletedAt: new Date() });
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'model.deleted',
        targetType: 'model',
        targetId: model.id,
      });
    });
  }

  createOffering(by: Principal, input: CreateOfferingDto): Promise<OfferingEntity> {
    return this.write(async (m) => {
      const model = await this.liveModel(m, input.model_id, 'model_id');
      await this.liveVendor(m, input.provider, 'provider');
      if (
        await m.findOne(OfferingEntity, {
          where: { providerSlug: input.provider, providerModelId: input.provider_model_id },
        })
      ) {
        throw DomainError.conflict(
          'OFFERING_EXISTS',
          `${input.provider} already has an offering "${input.provider_model_id}".`,
        );
      }
      const offering = await m.save(
        m.create(OfferingEntity, {
          modelId: model.id,
          providerSlug: input.provider,
          providerModelId: input.provider_model_id,
          contextWindow: input.context_window ?? null,
          maxOutput: input.max_output ?? null,
        }),
      );
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'offering.created',
        targetType: 'offering',
        targetId: offering.id,
        after: snapshot(offering, [
          'modelId',
          'providerSlug',
          'providerModelId',
          'contextWindow',
          'maxOutput',
          'status',
        ]),
      });
      return offering;
    });
  }

  updateOffering(by: Principal, id: string, input: UpdateOfferingDto): Promise<OfferingEntity> {
    return this.write(async (m) => {
      const offering = await this.liveOffering(m, id);
      const fields: (keyof OfferingEntity)[] = ['providerModelId', 'contextWindow', 'maxOutput', 'status'];
      const before = snapshot(offering, fields);
      if (input.provider_model_id !== undefined) offering.providerModelId = input.provider_model_id;
      if (input.context_window !== undefined) offering.contextWindow = input.context_window;
      if (input.max_output !== undefined) offering.maxOutput = input.max_output;
      if (input.status !== undefined) offering.status = input.status;
      offering.updatedAt = new Date();
      await m.save(offering);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'offering.updated',
        targetType: 'offering',
        targetId: id,
        before,
        after: snapshot(offering, fields),
      });
      return offering;
    });
  }

  deleteOffering(by: Principal, id: string): Promise<void> {
    return this.write(async (m) => {
      const offering = await this.liveOffering(m, id);
      offering.deletedAt = new Date();
      await m.save(offering);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'offering.deleted',
        targetType: 'offering',
        targetId: id,
      });
    });
  }

  /**
   * The capability fields an edit decides: a value that differs from the one shown pins it (feeds no longer change
   * it); null hands the field back to the feeds. Values sent unchanged (a whole form saved) decide nothing.
   */
  private capabilityDecisions(model: ModelEntity, input: UpdateModelDto): Partial<Record<CapabilityField, unknown>> {
    const out: Partial<Record<CapabilityField, unknown>> = {};
    for (const field of CAPABILITY_FIELDS) {
      const value = (input as Record<string, unknown>)[field];
      if (value === undefined) continue;
      const current = (model as unknown as Record<string, unknown>)[MODEL_FIELDS[field] ?? ''];
      if (value === null) out[field] = null;
      else if (JSON.stringify(value) !== JSON.stringify(current ?? null)) out[field] = value;
    }
    return out;
  }

  /** An alias names one model: one that already names another model is refused (merge the two instead). */
  private async checkAliases(m: EntityManager, modelId: string, aliases: string[] | undefined): Promise<void> {
    if (!aliases?.length) return;
    const [hit] = await query<{ id: string; alias: string }>(
      m,
      `SELECT mo.id, a.alias FROM unnest($2::text[]) AS a(alias)
         JOIN models mo ON mo.deleted_at IS NULL AND lower(mo.id) <> lower($1)
                       AND (lower(mo.id) = lower(a.alias) OR mo.aliases @> ARRAY[a.alias])
        ORDER BY a.alias LIMIT 1`,
      [modelId, aliases],
    );
    if (hit) {
      throw DomainError.unprocessable(
        'ALIAS_TAKEN',
        `"${hit.alias}" already names ${hit.id}; merge the two models instead of sharing a name.`,
        [{ field: 'aliases', problems: [`"${hit.alias}" already names ${hit.id}`] }],
      );
    }
  }

  private apply(model: ModelEntity, input: UpdateModelDto): void {
    for (const [field, column] of Object.entries(MODEL_FIELDS)) {
      const value = (input as Record<string, unknown>)[field];
      if (value !== undefined) (model as unknown as Record<string, unknown>)[column] = value;
    }
  }

  private modelSnapshot(model: ModelEntity): Record<string, unknown> {
    return Object.fromEntries(Object.entries(MODEL_FIELDS).map(([field, column]) => [field, model[column] ?? null]));
  }

  private async liveVendor(m: EntityManager, slug: string, field?: string): Promise<VendorEntity> {
    const vendor = await m.findOne(VendorEntity, {
      where: { slug, deletedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
    if (vendor) return vendor;
    if (field)
      throw DomainError.unprocessable('VENDOR_NOT_FOUND', `No vendor "${slug}".`, [
        { field, problems: ['unknown vendor'] },
      ]);
    throw DomainError.notFound('VENDOR_NOT_FOUND', `No vendor "${slug}".`);
  }

  private async liveModel(m: EntityManager, id: string, field?: string): Promise<ModelEntity> {
    const model = await m
      .createQueryBuilder(ModelEntity, 'm')
      .setLock('pessimistic_write')
      .where('lower(m.id) = lower(:id) AND m.deleted_at IS NULL', { id })
      .getOne();
    if (model) return model;
    if (field)
      throw DomainError.unprocessable('MODEL_NOT_FOUND', `No model "${id}".`, [{ field, problems: ['unknown model'] }]);
    throw DomainError.notFound('MODEL_NOT_FOUND', `No model "${id}" in the catalog.`);
  }

  private async liveOffering(m: EntityManager, id: string): Promise<OfferingEntity> {
    const offering = await m.findOne(OfferingEntity, {
      where: { id, deletedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
    if (!offering) throw DomainError.notFound('OFFERING_NOT_FOUND', 'Offering not found.');
    return offering;
  }
}
