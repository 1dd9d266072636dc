import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what to which object, with before/after, written in the same transaction as the change. */
@Entity({ name: 'audit_events' })
@Index('ix_audit_events_occurred', ['occurredAt'])
@Index('ix_audit_events_actor', ['actorId', 'occurredAt'])
@Index('ix_audit_events_action', ['action', 'occurredAt'])
@Index('ix_audit_events_target', ['targetType', 'targetId'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_audit_events' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  /** The actor's email at the time, or "system" / the attempted email for failed logins. */
  @Column({ type: 'text' })
  actorLabel!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', nullable: true })
  targetType!: string | null;

  @Column({ type: 'text', nullable: true })
  targetId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;
}
