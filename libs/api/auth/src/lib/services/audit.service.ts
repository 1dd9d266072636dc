import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { currentRequestContext, PageWindow, Principal } from '@mph/api-core';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from '../entities';

/** Who acted: a signed-in user, or the system / an unknown caller (failed logins) with a label. */
export interface AuditActor {
  id: string | null;
  label: string;
}

export const SYSTEM_ACTOR: AuditActor = { id: null, label: 'system' };

export function actorOf(principal: Principal): AuditActor {
  return { id: principal.userId, label: principal.email };
}

export interface AuditInput {
  actor: AuditActor;
  action: string;
  targetType?: string;
  targetId?: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

/** The audit log. `record` takes the caller's EntityManager so the event commits (or not) with the change. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, input: AuditInput): Promise<void> {
    const ctx = currentRequestContext();
    await manager.insert(AuditEventEntity, {
      actorId: input.actor.id,
      actorLabel: input.actor.label,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      // jsonb columns: TypeORM's insert typing does not model free-form objects.
      before: (input.before ?? null) as never,
      after: (input.after ?? null) as never,
      requestId: ctx?.requestId ?? null,
      ip: ctx?.ip ?? null,
    });
  }

  async list(filter: AuditFilter, window: PageWindow): Promise<[AuditEventEntity[], number]> {
    const q = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (filter.actorId) q.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) {
      // An action, or a family: "price" and "price." both match every "price.*".
      const family = filter.action.replace(/\.$/, '').replace(/[\\%_]/g, (c) => `\\${c}`);
      q.andWhere('(e.action = :action OR e.action LIKE :family)', { action: filter.action, family: `${family}.%` });
    }
    if (filter.targetType) q.andWhere('e.target_type = :targetType', { targetType: filter.targetType });
    if (filter.targetId) q.andWhere('e.target_id = :targetId', { targetId: filter.targetId });
    if (filter.from) q.andWhere('e.occurred_at >= :from', { from: filter.from });
    if (filter.to) q.andWhere('e.occurred_at < :to', { to: filter.to });
    return q
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .skip(window.offset)
      .take(window.limit)
      .getManyAndCount();
  }
}
