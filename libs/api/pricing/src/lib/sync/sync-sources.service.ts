import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { actorOf, AuditService } from '@mph/api-auth';
import {
  APP_CONFIG,
  APP_MODE,
  AppConfig,
  AppMode,
  checkFeedUrl,
  DataChanges,
  DomainError,
  execute,
  FeedFetchError,
  JobContext,
  JobCounts,
  JobRegistry,
  lockForTransaction,
  Principal,
  query,
  SecretBox,
} from '@mph/api-core';
import { validateCronExpression } from 'cron';
import { DataSource } from 'typeorm';
import { DEFAULT_SOURCES } from './default-sources';
import { fileSourcePath } from './file-source';
import { SyncService } from './sync.service';
import { AdapterName, IdRules, SyncSourceEntity } from './sync-source.entity';

export interface SourceInput {
  name?: string;
  adapter?: AdapterName;
  url?: string;
  schedule?: string | null;
  enabled?: boolean;
  auth_header?: { name: string; value: string } | null;
  id_rules?: IdRules;
  max_shrink?: string;
  max_jump?: string;
}

const JOB_PREFIX = 'sync-source:';

/**
 * Sources operators manage, and their schedules: each enabled source with a cron is a job of the core job runner
 * (`sync-source:<id>`: once per tick across instances, listed and runnable with the other jobs). Every instance
 * follows source changes at once, its own and (through DataChanges) the others'.
 */
@Injectable()
export class SyncSourcesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('SyncSources');
  private readonly registered = new Map<string, string>();
  private unsubscribe?: () => void;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_MODE) private readonly mode: AppMode,
    private readonly secrets: SecretBox,
    private readonly audit: AuditService,
    private readonly sync: SyncService,
    private readonly jobs: JobRegistry,
    private readonly changes: DataChanges,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.mode !== 'server') return;
    if (this.config.sync.defaultSources) await this.registerDefaults();
    await this.reschedule();
    this.unsubscribe = this.changes.subscribe((table) => {
      if (table !== null && table !== 'sync_sources') return;
      void this.reschedule().catch((e) => this.log.error(`Could not refresh schedules: ${String(e)}`));
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    for (const name of this.registered.keys()) this.jobs.unregister(name);
    this.registered.clear();
  }

  /** Registers the five public feeds once, on an install that never had sources. */
  async registerDefaults(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      await lockForTransaction(m, 'mph:sync-default-sources');
      const [{ n }] = await query<{ n: number }>(m, `SELECT count(*)::int AS n FROM sync_sources`);
      if (n > 0) return 0;
      for (const s of DEFAULT_SOURCES) {
        await execute(
          m,
          `INSERT INTO sync_sources (name, adapter, url, schedule, enabled) VALUES ($1, $2, $3, $4, true)`,
          [s.name, s.adapter, s.url, s.schedule],
        );
      }
      this.log.log(`Registered ${DEFAULT_SOURCES.length} public price feeds as sync sources (SYNC_DEFAULT_SOURCES).`);
      return DEFAULT_SOURCES.length;
    });
  }

  list(): Promise<SyncSourceEntity[]> {
    return this.dataSource
      .getRepository(SyncSourceEntity)
      .createQueryBuilder('s')
      .where('s.deleted_at IS NULL')
      .orderBy('s.name')
      .getMany();
  }

  /** Reads every live source and makes the registered jobs match (added, schedule changed, removed). */
  async reschedule(): Promise<void> {
    if (this.mode !== 'server') return;
    const wanted = new Map<string, SyncSourceEntity>();
    for (const s of await this.list()) if (s.enabled && s.schedule) wanted.set(JOB_PREFIX + s.id, s);
    for (const name of this.registered.keys()) {
      if (wanted.has(name)) continue;
      this.jobs.unregister(name);
      this.registered.delete(name);
    }
    for (const [name, s] of wanted) {
      if (this.registered.get(name) === s.schedule) continue;
      if (!this.registered.has(name) && this.jobs.get(name)) continue; // another module's job of that name
      this.jobs.upsert({
        name,
        description: `Price sync of ${s.name} (${s.adapter})`,
        cron: s.schedule as string,
        run: (ctx) => this.runScheduled(s.id, ctx),
      });
      this.registered.set(name, s.schedule as string);
    }
  }

  /** A source's job: one sync run, its counts on the job run; a failed or refused run fails the job. */
  private async runScheduled(id: string, ctx: JobContext): Promise<JobCounts> {
    const source = await this.sync.source(id);
    if (!source.enabled) return { skipped_disabled: 1 };
    const { done } = await this.sync.start(source, { trigger: ctx.trigger === 'cron' ? 'cron' : 'manual' });
    const run = await done;
    if (run.status === 'failed') throw new Error(run.error ?? 'the sync run failed');
    const counts: JobCounts = {};
    for (const [k, v] of Object.entries(run.counts ?? {})) if (typeof v === 'number') counts[k] = v;
    return { ...counts, [run.status]: 1 };
  }

  scheduledNames(): string[] {
    return [...this.registered.keys()];
  }

  private validate(input: SourceInput): void {
    const problems: { field: string; problems: string[] }[] = [];
    if (input.url !== undefined) {
      try {
        if (input.url.startsWith('file:')) fileSourcePath(input.url, this.config.sync.fileDir);
        else checkFeedUrl(input.url, this.config.sync.allowedHosts);
      } catch (e) {
        problems.push({ field: 'url', problems: [(e as FeedFetchError).message] });
      }
    }
    if (input.schedule) {
      const check = validateCronExpression(input.schedule);
      if (!check.valid)
        problems.push({
          field: 'schedule',
          problems: [
            'must be a cron schedule in UTC: 5 fields (minute hour day month weekday) such as "0 4 * * *" ' +
              '(04:00 daily), or 6 with seconds first',
          ],
        });
    }
    const rules = input.id_rules;
    if (rules) {
      const bad = [
        ...Object.values(rules.providers ?? {}).filter(
          (v) => typeof v !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(v),
        ),
        ...Object.values(rules.models ?? {}).filter(
          (v) => typeof v !== 'string' || !/^[\w.-]{1,100}\/[\w.-]{1,100}$/.test(v),
        ),
      ];
      if (bad.length) {
        problems.push({
          field: 'id_rules',
          problems: [`providers map to vendor slugs and models to owner/name ids; not: ${bad.slice(0, 3).join(', ')}`],
        });
      }
    }
    if (problems.length) {
      throw DomainError.badRequest(
        'VALIDATION_FAILED',
        problems.map((p) => `${p.field}: ${p.problems[0]}`).join('; '),
        problems,
      );
    }
  }

  private snapshot(s: SyncSourceEntity) {
    return {
      name: s.name,
      adapter: s.adapter,
      url: s.url,
      schedule: s.schedule,
      enabled: s.enabled,
      auth_header: s.authHeaderName ? `${s.authHeaderName}: (sealed)` : null,
      id_rules: s.idRules,
      max_shrink: s.maxShrink,
      max_jump: s.maxJump,
    };
  }

  private apply(s: SyncSourceEntity, input: SourceInput): void {
    if (input.name !== undefined) s.name = input.name;
    if (input.adapter !== undefined) s.adapter = input.adapter;
    if (input.url !== undefined) s.url = input.url;
    if (input.schedule !== undefined) s.schedule = input.schedule || null;
    if (input.enabled !== undefined) s.enabled = input.enabled;
    if (input.id_rules !== undefined) s.idRules = input.id_rules;
    if (input.max_shrink !== undefined) s.maxShrink = input.max_shrink;
    if (input.max_jump !== undefined) s.maxJump = input.max_jump;
    if (input.auth_header === null) {
      s.authHeaderName = null;
      s.authHeaderSealed = null;
    } else if (input.auth_header) {
      s.authHeaderName = input.auth_header.name;
      s.authHeaderSealed = this.secrets.seal(input.auth_header.value);
    }
  }

  async create(by: Principal, input: SourceInput): Promise<SyncSourceEntity> {
    this.validate(input);
    const source = await this.dataSource.transaction(async (m) => {
      const [clash] = await query<{ '?column?': number }>(
        m,
        `SELECT 1 FROM sync_sources WHERE name = $1 AND deleted_at IS NULL`,
        [input.name],
      );
      if (clash) throw DomainError.conflict('SYNC_SOURCE_EXISTS', `A source named "${input.name}" already exists.`);
      const s = m.create(SyncSourceEntity, {
        idRules: {},
        maxShrink: '0.5',
        maxJump: '10',
        enabled: true,
        schedule: null,
      });
      this.apply(s, input);
      const saved = await m.save(s);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'sync_source.created',
        targetType: 'sync_source',
        targetId: saved.id,
        after: this.snapshot(saved),
      });
      return saved;
    });
    await this.reschedule();
    return source;
  }

  async update(by: Principal, id: string, input: SourceInput): Promise<SyncSourceEntity> {
    this.validate(input);
    const source = await this.dataSource.transaction(async (m) => {
      const s = await m.findOne(SyncSourceEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!s || s.deletedAt) throw DomainError.notFound('SYNC_SOURCE_NOT_FOUND', `No sync source ${id}.`);
      if (input.name && input.name !== s.name) {
        const [clash] = await query<{ '?column?': number }>(
          m,
          `SELECT 1 FROM sync_sources WHERE name = $1 AND deleted_at IS NULL`,
          [input.name],
        );
        if (clash) throw DomainError.conflict('SYNC_SOURCE_EXISTS', `A source named "${input.name}" already exists.`);
      }
      const before = this.snapshot(s);
      this.apply(s, input);
      s.updatedAt = new Date();
      const saved = await m.save(s);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'sync_source.updated',
        targetType: 'sync_source',
        targetId: id,
        before,
        after: this.snapshot(saved),
      });
      return saved;
    });
    await this.reschedule();
    return source;
  }

  async remove(by: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const s = await m.findOne(SyncSourceEntity, { where: { id } });
      if (!s || s.deletedAt) throw DomainError.notFound('SYNC_SOURCE_NOT_FOUND', `No sync source ${id}.`);
      s.deletedAt = new Date();
      s.enabled = false;
      await m.save(s);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'sync_source.deleted',
        targetType: 'sync_source',
        targetId: id,
      });
    });
    await this.reschedule();
  }

  /** A new webhook secret for the source, shown once; only its sealed form is stored. */
  async rotateWebhookSecret(by: Principal, id: string): Promise<string> {
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await this.dataSource.transaction(async (m) => {
      const s = await m.findOne(SyncSourceEntity, { where: { id } });
      if (!s || s.deletedAt) throw DomainError.notFound('SYNC_SOURCE_NOT_FOUND', `No sync source ${id}.`);
      s.webhookSecretSealed = this.secrets.seal(secret);
      s.updatedAt = new Date();
      await m.save(s);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'sync_source.webhook_secret_rotated',
        targetType: 'sync_source',
        targetId: id,
      });
    });
    return secret;
  }
}
