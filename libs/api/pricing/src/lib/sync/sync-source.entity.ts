import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ADAPTERS = ['litellm', 'openrouter', 'models.dev', 'genai-prices', 'huggingface'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** Rules that map a feed's ids onto ours. */
export interface IdRules {
  /** Feed provider name → our vendor slug (overrides the built-in aliases). */
  providers?: Record<string, string>;
  /** `provider|provider_model_id` as the feed spells it → the catalog model id it serves. */
  models?: Record<string, string>;
  /** Prefixes stripped from the feed's model ids (e.g. `openrouter/`). */
  strip_prefixes?: string[];
}

/** A feed an operator manages: where it is, how to read it, when to run, and the safety thresholds. */
@Entity({ name: 'sync_sources', synchronize: false })
export class SyncSourceEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_sync_sources' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  adapter!: AdapterName;

  @Column({ type: 'text' })
  url!: string;

  /** Cron (UTC); null = only on demand. */
  @Column({ type: 'text', nullable: true })
  schedule!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'text', nullable: true })
  authHeaderName!: string | null;

  /** The header's value, sealed with SECRETS_KEY (AES-256-GCM). */
  @Column({ type: 'text', nullable: true })
  authHeaderSealed!: string | null;

  @Column({ type: 'text', nullable: true })
  webhookSecretSealed!: string | null;

  @Column({ type: 'jsonb', default: {} })
  idRules!: IdRules;

  /** Quarantine when more than this share of the offerings seen last time is missing. */
  @Column({ type: 'numeric', default: 0.5 })
  maxShrink!: string;

  /** Quarantine when a price changes by more than this factor (up or down), or drops to zero. */
  @Column({ type: 'numeric', default: 10 })
  maxJump!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
