import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  HfImportService,
  HfPage,
  hfPageGetter,
  ModelCapabilitiesService,
  OfferingDirectoryService,
  OfferingRegistryService,
  readHfFile,
  readHfUrl,
} from '@mph/api-catalog';
import { actorOf, AuditService } from '@mph/api-auth';
import {
  APP_CONFIG,
  AppConfig,
  DomainError,
  ExclusiveRunner,
  execute,
  fetchFeed,
  Principal,
  query,
  ResponseCache,
  SecretBox,
  syncFetchOptions,
} from '@mph/api-core';
import { DataSource } from 'typeorm';
import { FeedFormatError } from './adapters/feed-record';
import { applyIdRules, parseFeed } from './feed-parser';
import { fileSourcePath, readFileSource } from './file-source';
import { applySync } from './sync-apply';
import { planSync, quarantineReason, SyncPlan } from './sync-plan';
import { SyncCounts, SyncRunEntity, SyncTrigger } from './sync-run.entity';
import { AdapterName, SyncSourceEntity } from './sync-source.entity';

export interface RunRequest {
  trigger: SyncTrigger;
  dryRun?: boolean;
  startedBy?: string | null;
  /** A pushed body (webhook) instead of fetching the source's URL. */
  body?: Buffer;
  /** A local file instead of the source's URL (CLI ad-hoc runs). */
  file?: string;
  /** Called at every phase change (the CLI prints it; the console follows the run row instead). */
  onProgress?: (phase: string, counts: SyncCounts) => void;
}

/** Pages of the Hub API one scheduled run reads at most (1,000 models a page). */
export const HF_MAX_PAGES = 5;

export interface AdHocFeed {
  adapter: AdapterName;
  url?: string;
  file?: string;
}

/**
 * Runs price sources: fetch (SSRF-safe) → parse → plan the diff → quarantine or apply in one transaction. One run
 * per source at a time across instances (the core's runExclusive); every run leaves a sync_runs row with its phase,
 * counts, plan and errors, which the console follows while it runs.
 */
@Injectable()
export class SyncService {
  private readonly log = new Logger('Sync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: OfferingRegistryService,
    private readonly capabilities: ModelCapabilitiesService,
    private readonly secrets: SecretBox,
    private readonly cache: ResponseCache,
    private readonly audit: AuditService,
    private readonly hf: HfImportService,
    private readonly exclusive: ExclusiveRunner,
    private readonly offerings: OfferingDirectoryService,
  ) {}

  async source(idOrName: string): Promise<SyncSourceEntity> {
    const repo = this.dataSource.getRepository(SyncSourceEntity);
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
    const source = await repo
      .createQueryBuilder('s')
      .where(isUuid ? 's.id = :v' : 's.name = :v', { v: idOrName })
      .andWhere('s.deleted_at IS NULL')
      .getOne();
    if (!source) throw DomainError.notFound('SYNC_SOURCE_NOT_FOUND', `No sync source "${idOrName}".`);
    return source;
  }

  /**
   * Starts a run of a source and returns its row at once; `done` settles when it finished (the API answers 202
   * with the row; the CLI, the job runner and tests await `done`). One run per source at a time across instances:
   * 409 SYNC_RUNNING while another holds the source's lock. Scheduled runs come through the core job runner
   * (`sync-source:<id>`), which serves each cron tick once.
   */
  async start(
    source: SyncSourceEntity,
    request: RunRequest,
  ): Promise<{ run: SyncRunEntity; done: Promise<SyncRunEntity> }> {
    let announce!: (run: SyncRunEntity) => void;
    let refuse!: (e: unknown) => void;
    const started = new Promise<SyncRunEntity>((resolve, reject) => ((announce = resolve), (refuse = reject)));
    const done = this.exclusive
      .runExclusive(`mph:sync:${source.id}`, async () => {
        const [row] = await query<{ id: string }>(
          this.dataSource,
          `INSERT INTO sync_runs (source_id, source_name, adapter, url, trigger, dry_run, started_by, phase)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued') RETURNING id`,
          [
            source.id,
            source.name,
            source.adapter,
            source.url,
            request.trigger,
            request.dryRun === true,
            request.startedBy ?? null,
          ],
        );
        const run = await this.runRow(row.id);
        announce(run);
        return this.execute(run, source, request);
      })
      .then((outcome) => {
        if (!outcome.ran) {
          throw DomainError.conflict('SYNC_RUNNING', `${source.name} is already running; wait for that run to finish.`);
        }
        return outcome.value;
      });
    // Before the run row exists a failure is the caller's (start rejects); after it, `done` reports it.
    done.catch(refuse);
    return { run: await started, done };
  }

  /** A feed that is not a stored source (CLI: an adapter with --url or --file). Not tracked for missing offerings. */
  async runAdHoc(feed: AdHocFeed, request: RunRequest): Promise<SyncRunEntity> {
    const [row] = await query<{ id: string }>(
      this.dataSource,
      `INSERT INTO sync_runs (source_name, adapter, url, trigger, dry_run, started_by, phase)
       VALUES ($1, $2, $3, $4, $5, $6, 'queued') RETURNING id`,
      [
        `adhoc:${feed.adapter}`,
        feed.adapter,
        feed.url ?? feed.file ?? null,
        request.trigger,
        request.dryRun === true,
        request.startedBy ?? null,
      ],
    );
    const run = await this.runRow(row.id);
    const pseudo = Object.assign(new SyncSourceEntity(), {
      id: null,
      name: `adhoc:${feed.adapter}`,
      adapter: feed.adapter,
      url: feed.url ?? '',
      maxShrink: '1',
      maxJump: '1000000',
      authHeaderName: null,
      authHeaderSealed: null,
    });
    return this.execute(run, pseudo, { ...request, file: feed.file });
  }

  async runRow(id: string): Promise<SyncRunEntity> {
    const run = await this.dataSource.getRepository(SyncRunEntity).findOne({ where: { id } });
    if (!run) throw DomainError.notFound('SYNC_RUN_NOT_FOUND', `No sync run ${id}.`);
    return run;
  }

  /** Progress writes of each run, in order: a late one must never overwrite a later phase or the final counts. */
  private readonly progressChains = new Map<string, Promise<void>>();

  private progress(id: string, phase: string, counts: SyncCounts, request?: RunRequest): Promise<void> {
    request?.onProgress?.(phase, counts);
    const snapshot = JSON.stringify(counts);
    const next = (this.progressChains.get(id) ?? Promise.resolve())
      .then(() =>
        execute(this.dataSource, `UPDATE sync_runs SET phase = $2, counts = $3 WHERE id = $1`, [id, phase, snapshot]),
      )
      .then(() => undefined);
    this.progressChains.set(
      id,
      next.catch(() => undefined),
    );
    return next;
  }

  private async execute(run: SyncRunEntity, source: SyncSourceEntity, request: RunRequest): Promise<SyncRunEntity> {
    const started = Date.now();
    const counts: SyncCounts = {};
    let plan: SyncPlan | null = null;
    try {
      if (source.adapter === 'huggingface') return await this.executeHf(run, source, request, counts, started);
      let body =
        request.body ?? (request.file ? await readFileSource(request.file, this.config.sync.maxBytes) : undefined);
      if (!body && source.url.startsWith('file:')) {
        await this.progress(run.id, 'reading', counts, request);
        body = await readFileSource(fileSourcePath(source.url, this.config.sync.fileDir), this.config.sync.maxBytes);
      }
      if (!body) {
        await this.progress(run.id, 'fetching', counts, request);
        const headers: Record<string, string> = {};
        if (source.authHeaderName && source.authHeaderSealed) {
          headers[source.authHeaderName] = this.secrets.open(source.authHeaderSealed);
        }
        let lastReport = 0;
        const res = await fetchFeed(source.url, {
          ...this.fetchOptions(),
          headers,
          onProgress: (received, total) => {
            if (received - lastReport > 1 << 20) {
              lastReport = received;
              const fetched = { ...counts, bytes: received, ...(total ? { bytes_total: total } : {}) };
              void this.progress(run.id, 'fetching', fetched, request).catch(() => undefined);
            }
          },
        });
        body = res.body;
      }
      counts.bytes = body.length;
      await this.progress(run.id, 'parsing', counts, request);
      const feed = applyIdRules(parseFeed(source.adapter, body), source.idRules ?? {});
      Object.assign(counts, { entries: feed.entries, records: feed.records.length, invalid: feed.invalid.length });
      if (!feed.records.length) {
        throw new FeedFormatError(
          `The feed has no usable entries (${feed.entries} entries, ${feed.invalid.length} invalid).`,
        );
      }
      await this.progress(run.id, 'planning', counts, request);
      // Millisecond instants: two runs within one second must not claim the same effective_from.
      const runAt = new Date();
      plan = await planSync(this.dataSource.manager, feed, {
        runAt,
        sourceId: source.id,
        sourceName: source.name,
        offerings: this.offerings,
        registry: this.registry,
        guard: { factor: String(this.config.sync.guardFactor), minPeers: this.config.sync.guardMinPeers },
      });
      Object.assign(counts, planCounts(plan));
      const reason = request.dryRun ? null : quarantineReason(plan, source);
      if (reason) {
        return await this.finish(run.id, 'quarantined', counts, plan, { quarantineReason: reason }, started);
      }
      if (request.dryRun) return await this.finish(run.id, 'succeeded', counts, plan, {}, started);
      await this.progress(run.id, 'applying', counts, request);
      const written = await this.dataSource.transaction((m) =>
        applySync(m, plan as SyncPlan, {
          registry: this.registry,
          capabilities: this.capabilities,
          source: source.name,
          sourceId: source.id,
          sourceRef: source.url || null,
          runId: run.id,
        }),
      );
      Object.assign(counts, written);
      this.invalidate(written);
      await this.refreshStatistics(written);
      return await this.finish(run.id, 'succeeded', counts, plan, {}, started);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.warn(`${source.name}: run ${run.id} failed: ${message}`);
      return this.finish(run.id, 'failed', counts, plan, { error: message.slice(0, 4000) }, started);
    }
  }

  private fetchOptions() {
    return syncFetchOptions(this.config.sync);
  }

  /**
   * The huggingface adapter feeds catalog metadata (and lineage), not prices: pages of the Hub API go through the
   * catalog's importer (itself idempotent: unchanged records write nothing). At most HF_MAX_PAGES pages per run.
   */
  private async executeHf(
    run: SyncRunEntity,
    source: SyncSourceEntity,
    request: RunRequest,
    counts: SyncCounts,
    started: number,
  ): Promise<SyncRunEntity> {
    await this.progress(run.id, 'fetching', counts, request);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (source.authHeaderName && source.authHeaderSealed) {
      headers[source.authHeaderName] = this.secrets.open(source.authHeaderSealed);
    }
    let pages: AsyncIterable<HfPage>;
    if (request.body) {
      const parsed = JSON.parse(request.body.toString('utf8')) as unknown;
      const records = Array.isArray(parsed) ? parsed : [parsed];
      pages = (async function* () {
        yield { records, from: 'pushed body' } as HfPage;
      })();
    } else if (request.file) {
      pages = readHfFile(request.file);
    } else if (source.url.startsWith('file:')) {
      pages = readHfFile(fileSourcePath(source.url, this.config.sync.fileDir));
    } else {
      pages = readHfUrl(source.url, {
        maxPages: HF_MAX_PAGES,
        getPage: hfPageGetter({ ...this.fetchOptions(), headers }, (m) => new FeedFormatError(m)),
      });
    }
    if (request.dryRun) {
      let records = 0;
      for await (const page of pages) {
        records += page.records.length;
        await this.progress(run.id, 'reading', { ...counts, records }, request);
      }
      return this.finish(run.id, 'succeeded', { ...counts, entries: records, records }, null, {}, started);
    }
    const result = await this.hf.import(pages, (c) => {
      void this.progress(
        run.id,
        'applying',
        { ...counts, records: c.records, added: c.created, changed: c.updated },
        request,
      ).catch(() => undefined);
    });
    const c = result.counts;
    Object.assign(counts, {
      entries: c.records,
      records: c.records - c.skipped,
      added: c.created,
      changed: c.updated,
      unchanged: c.unchanged,
      invalid: c.skipped,
    });
    const errors = result.problems.map((p) => ({ ref: p.split(':')[0], reason: p }));
    return this.finish(run.id, 'succeeded', counts, null, { errors }, started);
  }

  private invalidate(written: SyncCounts): void {
    if (written.versions_written || written.offerings_created || written.offerings_moved) {
      this.cache.invalidate('prices');
      this.cache.invalidate('catalog');
    } else if (written.capabilities_updated) this.cache.invalidate('catalog');
  }

  /**
   * After a large write (a first sync brings thousands of offerings and prices), the planner's statistics are
   * refreshed at once: with stale ones the catalog's price sort took 18 s instead of 66 ms on the five real feeds until
   * autovacuum got round to it (and it may be off). Small runs leave it to autovacuum.
   */
  private async refreshStatistics(written: SyncCounts): Promise<void> {
    const rows = Number(written.versions_written ?? 0) + Number(written.offerings_created ?? 0);
    if (rows < 100) return;
    await execute(this.dataSource, `ANALYZE models, offerings, price_versions, price_components`);
  }

  private async finish(
    id: string,
    status: SyncRunEntity['status'],
    counts: SyncCounts,
    plan: SyncPlan | null,
    extra: { error?: string; quarantineReason?: string; errors?: { ref: string; reason: string }[] },
    started: number,
  ): Promise<SyncRunEntity> {
    counts.duration_ms = Date.now() - started;
    await this.progressChains.get(id);
    this.progressChains.delete(id);
    await execute(
      this.dataSource,
      `UPDATE sync_runs SET status = $2, phase = 'done', finished_at = now(), counts = $3, plan = $4, errors = $5,
              error = $6, quarantine_reason = $7 WHERE id = $1`,
      [
        id,
        status,
        JSON.stringify(counts),
        plan ? JSON.stringify(plan) : null,
        JSON.stringify(extra.errors ?? plan?.invalid.slice(0, 1000) ?? []),
        extra.error ?? null,
        extra.quarantineReason ?? null,
      ],
    );
    return this.runRow(id);
  }

  /** Applies a quarantined run's plan exactly as previewed (or 409 when prices moved since). */
  async approve(by: Principal, runId: string): Promise<SyncRunEntity> {
    const result = await this.dataSource.transaction(async (m) => {
      const [run] = await query<{
        status: string;
        plan: unknown;
        source_name: string;
        source_id: string | null;
        url: string | null;
        quarantine_reason: string | null;
      }>(m, `SELECT * FROM sync_runs WHERE id = $1 FOR UPDATE`, [runId]);
      if (!run) throw DomainError.notFound('SYNC_RUN_NOT_FOUND', `No sync run ${runId}.`);
      if (run.status !== 'quarantined') {
        throw DomainError.conflict(
          'SYNC_RUN_NOT_QUARANTINED',
          `This run is ${run.status}; only quarantined runs can be approved.`,
        );
      }
      const written = await applySync(m, run.plan as SyncPlan, {
        registry: this.registry,
        capabilities: this.capabilities,
        source: run.source_name,
        sourceId: run.source_id,
        sourceRef: run.url,
        runId,
      });
      await execute(
        m,
        `UPDATE sync_runs SET status = 'approved', decided_by = $2, decided_at = now(), counts = counts || $3::jsonb WHERE id = $1`,
        [runId, by.email, JSON.stringify(written)],
      );
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'sync.approved',
        targetType: 'sync_run',
        targetId: runId,
        after: { ...written, quarantine_reason: run.quarantine_reason },
      });
      return written;
    });
    this.invalidate(result);
    return this.runRow(runId);
  }

  async reject(by: Principal, runId: string): Promise<SyncRunEntity> {
    await this.dataSource.transaction(async (m) => {
      const [run] = await query<{ status: string; quarantine_reason: string | null }>(
        m,
        `SELECT status, quarantine_reason FROM sync_runs WHERE id = $1 FOR UPDATE`,
        [runId],
      );
      if (!run) throw DomainError.notFound('SYNC_RUN_NOT_FOUND', `No sync run ${runId}.`);
      if (run.status !== 'quarantined') {
        throw DomainError.conflict(
          'SYNC_RUN_NOT_QUARANTINED',
          `This run is ${run.status}; only quarantined runs can be rejected.`,
        );
      }
      await execute(m, `UPDATE sync_runs SET status = 'rejected', decided_by = $2, decided_at = now() WHERE id = $1`, [
        runId,
        by.email,
      ]);
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'sync.rejected',
        targetType: 'sync_run',
        targetId: runId,
        after: { quarantine_reason: run.quarantine_reason },
      });
    });
    return this.runRow(runId);
  }
}

export function planCounts(plan: SyncPlan): SyncCounts {
  return {
    added: plan.added.length,
    changed: plan.changed.length,
    unchanged: plan.unchanged,
    missing: plan.missing.length,
    locked: plan.locked.length,
    deferred: plan.deferred.length,
    conflicts: plan.conflicts.length,
    deleted_skipped: plan.deletedSkipped.length,
    invalid: plan.invalid.length,
    ...(plan.held?.length ? { held: plan.held.length } : {}),
    ...(plan.aliased?.length ? { aliased: plan.aliased.length } : {}),
  };
}
