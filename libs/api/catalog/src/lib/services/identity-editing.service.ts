import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, AuditService } from '@mph/api-auth';
import { DomainError, execute, Principal, query, ResponseCache } from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';
import type { IdentityChangeDto, MergeModelDto, MoveOfferingDto, SplitModelDto } from '../dto/identity.dto';
import type { OfferingDto } from '../dto/models.dto';
import { ModelCapabilitiesService } from './model-capabilities.service';

/** Thrown inside the transaction to roll a dry run back after the change was computed. */
class DryRun extends Error {
  constructor(readonly result: IdentityChangeDto) {
    super('dry run');
  }
}

interface LiveModel {
  id: string;
  aliases: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Operators' identity decisions: merge two models, split offerings off into a new model, move one offering. Each
 * moved offering is pinned (`identity_pinned`, identity basis `operator`): no later sync moves it. A merged model is
 * soft-deleted with `merged_into`, and its id and aliases become the target's aliases, so clients and feeds that still
 * name it reach the target. Each change can be previewed (`dry_run`), runs in one transaction, and is audited.
 */
@Injectable()
export class IdentityEditingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cache: ResponseCache,
    private readonly capabilities: ModelCapabilitiesService,
  ) {}

  merge(by: Principal, id: string, input: MergeModelDto): Promise<IdentityChangeDto> {
    return this.write(input.dry_run, async (m) => {
      const [source, target] = await this.liveModels(m, [id, input.into], ['model', 'into']);
      if (source.id === target.id) {
        throw DomainError.unprocessable('SAME_MODEL', `${input.into} is ${source.id} itself.`, [
          { field: 'into', problems: ['must be another model'] },
        ]);
      }
      const offerings = await this.offeringsOf(m, source.id);
      const known = new Set(target.aliases.map((a) => a.toLowerCase()));
      const aliases = [source.id, ...source.aliases].filter((a) => {
        const fresh = a.toLowerCase() !== target.id.toLowerCase() && !known.has(a.toLowerCase());
        known.add(a.toLowerCase());
        return fresh;
      });
      const change: IdentityChangeDto = {
        action: 'merge',
        applied: false,
        from_model: source.id,
        to_model: target.id,
        creates_model: false,
        offerings,
        aliases_added: aliases,
        removes_model: true,
        leaves_empty: true,
        summary:
          `Moves ${plural(offerings.length, 'offering')} to ${target.id} and removes ${source.id}` +
          (aliases.length ? `; ${aliases.join(', ')} become${aliases.length === 1 ? 's' : ''} its alias.` : '.'),
      };
      if (input.dry_run) return change;
      await this.moveOfferings(m, offerings, target.id, `merged from ${source.id} by ${by.email}`);
      await execute(m, `UPDATE models SET aliases = aliases || $2::text[], updated_at = now() WHERE id = $1`, [
        target.id,
        aliases,
      ]);
      // Models merged into this one earlier now point at the target, so `merged_into` never chains.
      await execute(m, `UPDATE models SET merged_into = $2 WHERE merged_into = $1`, [source.id, target.id]);
      await execute(
        m,
        `UPDATE models SET deleted_at = now(), merged_into = $2, aliases = '{}', updated_at = now() WHERE id = $1`,
        [source.id, target.id],
      );
      // The operator's capability decisions about the merged model carry over where the target has none.
      await execute(
        m,
        `UPDATE model_capability_facts f SET model_id = $2
          WHERE f.model_id = $1 AND f.source = 'operator'
            AND NOT EXISTS (SELECT 1 FROM model_capability_facts t
                             WHERE t.model_id = $2 AND t.field = f.field AND t.source = 'operator')`,
        [source.id, target.id],
      );
      await this.capabilities.resolve(m, [target.id]);
      await this.record(m, by, 'model.merged', 'model', source.id, change);
      return change;
    });
  }

  split(by: Principal, id: string, input: SplitModelDto): Promise<IdentityChangeDto> {
    return this.write(input.dry_run, async (m) => {
      const [source] = await this.liveModels(m, [id], ['model']);
      const taken = await query<{ id: string }>(
        m,
        `SELECT id FROM models WHERE lower(id) = lower($1) OR aliases @> ARRAY[$1]::text[]`,
        [input.new_model_id],
      );
      if (taken.length) {
        throw DomainError.conflict(
          'MODEL_EXISTS',
          `"${input.new_model_id}" is already ${taken[0].id === input.new_model_id ? 'a model' : `a name of ${taken[0].id}`}; move the offerings there instead, one by one.`,
          { field: 'new_model_id' },
        );
      }
      const all = await this.offeringsOf(m, source.id);
      const chosen = all.filter((o) => input.offering_ids.includes(o.id));
      const foreign = input.offering_ids.filter((x) => !chosen.some((o) => o.id === x));
      if (foreign.length) {
        throw DomainError.unprocessable(
          'OFFERING_NOT_OF_MODEL',
          `Not live offerings of ${source.id}: ${foreign.join(', ')}.`,
          [{ field: 'offering_ids', problems: [`not live offerings of ${source.id}`] }],
        );
      }
      const change: IdentityChangeDto = {
        action: 'split',
        applied: false,
        from_model: source.id,
        to_model: input.new_model_id,
        creates_model: true,
        offerings: chosen,
        aliases_added: [],
        removes_model: false,
        leaves_empty: chosen.length === all.length,
        summary: `Creates ${input.new_model_id} and moves ${plural(chosen.length, 'offering')} of ${source.id} to it.`,
      };
      if (input.dry_run) return change;
      await execute(
        m,
        `INSERT INTO models (id, author, display_name, source) VALUES ($1, split_part($1, '/', 1), $2, 'manual')`,
        [input.new_model_id, input.display_name?.trim() || input.new_model_id.split('/')[1]],
      );
      await this.moveOfferings(m, chosen, input.new_model_id, `split off ${source.id} by ${by.email}`);
      await this.record(m, by, 'model.split', 'model', source.id, change);
      return change;
    });
  }

  move(by: Principal, offeringId: string, input: MoveOfferingDto): Promise<IdentityChangeDto> {
    return this.write(input.dry_run, async (m) => {
      const [offering] = await query<OfferingDto & { model_id: string }>(
        m,
        `SELECT id::text, provider_slug AS provider, provider_model_id, context_window, max_output, status, model_id
           FROM offerings WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
        [offeringId],
      );
      if (!offering) throw DomainError.notFound('OFFERING_NOT_FOUND', 'Offering not found.');
      const [from, target] = await this.liveModels(m, [offering.model_id, input.model_id], ['offering', 'model_id']);
      if (from.id === target.id) {
        throw DomainError.unprocessable('SAME_MODEL', `The offering already serves ${target.id}.`, [
          { field: 'model_id', problems: ['already its model'] },
        ]);
      }
      const { model_id: _, ...dto } = offering;
      const rest = (await this.offeringsOf(m, from.id)).filter((o) => o.id !== offering.id);
      const change: IdentityChangeDto = {
        action: 'move',
        applied: false,
        from_model: from.id,
        to_model: target.id,
        creates_model: false,
        offerings: [dto],
        aliases_added: [],
        removes_model: false,
        leaves_empty: rest.length === 0,
        summary:
          `Moves ${offering.provider} ${offering.provider_model_id} from ${from.id} to ${target.id}` +
          (rest.length ? '.' : `; ${from.id} is left without offerings (merge it if it is the same model).`),
      };
      if (input.dry_run) return change;
      await this.moveOfferings(m, [dto], target.id, `moved from ${from.id} by ${by.email}`);
      await this.record(m, by, 'offering.moved', 'offering', offering.id, change);
      return change;
    });
  }

  /** One transaction; a dry run rolls back but answers what it computed. Cached answers drop after a commit. */
  private async write(
    dryRun: boolean | undefined,
    work: (m: EntityManager) => Promise<IdentityChangeDto>,
  ): Promise<IdentityChangeDto> {
    try {
      const result = await this.dataSource.transaction(async (m) => {
        const r = await work(m);
        if (dryRun) throw new DryRun(r);
        return { ...r, applied: true };
      });
      this.cache.invalidate('catalog');
      this.cache.invalidate('prices');
      return result;
    } catch (e) {
      if (e instanceof DryRun) return e.result;
      throw e;
    }
  }

  /** The models by id (case-insensitive) or alias, locked, in the order asked; 404/422 naming the field. */
  private async liveModels(m: EntityManager, ids: string[], fields: string[]): Promise<LiveModel[]> {
    const out: LiveModel[] = [];
    for (const [i, id] of ids.entries()) {
      const [row] = await query<LiveModel>(
        m,
        `SELECT id, aliases FROM models
          WHERE deleted_at IS NULL AND (lower(id) = lower($1) OR aliases @> ARRAY[$1]::text[])
          ORDER BY lower(id) = lower($1) DESC, id LIMIT 1 FOR UPDATE`,
        [id],
      );
      if (!row) {
        if (i === 0 && (fields[0] === 'model' || fields[0] === 'offering')) {
          throw DomainError.notFound('MODEL_NOT_FOUND', `No model "${id}" in the catalog.`);
        }
        throw DomainError.unprocessable('MODEL_NOT_FOUND', `No model "${id}" in the catalog.`, [
          { field: fields[i], problems: ['unknown model'] },
        ]);
      }
      out.push(row);
    }
    return out;
  }

  private offeringsOf(m: EntityManager, modelId: string): Promise<OfferingDto[]> {
    return query<OfferingDto>(
      m,
      `SELECT id::text, provider_slug AS provider, provider_model_id, context_window, max_output, status
         FROM offerings WHERE model_id = $1 AND deleted_at IS NULL ORDER BY provider_slug, provider_model_id FOR UPDATE`,
      [modelId],
    );
  }

  /** Moves offerings to a model and pins them there, recording the operator's decision as their identity. */
  private async moveOfferings(m: EntityManager, offerings: OfferingDto[], modelId: string, reason: string) {
    if (!offerings.length) return;
    await execute(
      m,
      `UPDATE offerings
          SET model_id = $2, identity_pinned = true, updated_at = now(),
              identity = jsonb_build_object('basis', 'operator', 'reason', $3::text, 'rules', '[]'::jsonb,
                                            'source', 'operator', 'at', now(), 'previous', identity - 'previous')
        WHERE id = ANY($1::uuid[])`,
      [offerings.map((o) => o.id), modelId, reason],
    );
  }

  private record(
    m: EntityManager,
    by: Principal,
    action: string,
    targetType: string,
    targetId: string,
    change: IdentityChangeDto,
  ) {
    return this.audit.record(m, {
      actor: actorOf(by),
      action,
      targetType,
      targetId,
      after: {
        to_model: change.to_model,
        offerings: change.offerings.map((o) => `${o.provider} ${o.provider_model_id}`),
        aliases_added: change.aliases_added,
        summary: change.summary,
      },
    });
  }
}
