import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export const VENDOR_KINDS = ['creator', 'provider', 'aggregator'] as const;
export type VendorKind = (typeof VENDOR_KINDS)[number];

/** A model creator, an inference provider, an aggregator, or several of these (OpenAI creates and serves). */
@Entity({ name: 'vendors' })
@Check('ck_vendors_slug', `slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'`)
@Check('ck_vendors_kinds', `kinds <@ ARRAY['creator', 'provider', 'aggregator']::text[]`)
export class VendorEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_vendors' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  homepage!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  kinds!: VendorKind[];

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
