import { Column, Entity, PrimaryColumn } from 'typeorm';

/** While a lock exists, sync leaves the offering's prices alone: the operator's price wins. */
@Entity({ name: 'price_locks', synchronize: false })
export class PriceLockEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_price_locks' })
  offeringId!: string;

  @Column({ type: 'text' })
  lockedBy!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lockedAt!: Date;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;
}
