import { Command, InvalidArgumentError } from 'commander';
import { DataSource } from 'typeorm';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  AppConfig,
  DomainError,
  JobRegistry,
  JobRunnerService,
  migrationStatus,
  revertLastMigration,
  runMigrations,
  syncFetchOptions,
} from '@mph/api-core';
import { UsersService } from '@mph/api-auth';
import { hfPageGetter, HfImportService, readHfFile, readHfUrl } from '@mph/api-catalog';
import {
  ADAPTERS,
  AdapterName,
  ExportsService,
  SyncCounts,
  SyncRunEntity,
  SyncService,
  SyncSourcesService,
} from '@mph/api-pricing';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer, McpToolsService } from '@mph/api-mcp';
import { APP_VERSION_STRING } from '../app/version';
import { withAppContext } from './context';
import { CliError, Output } from './output';
import { formatBytes } from './progress';
import { writeOpenApiDocument } from './openapi';

export function buildProgram(config: () => AppConfig): Command {
  const program = new Command('mph')
    .description('Model Price Hub command line: the same services as the API, without the HTTP server.')
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride();
  const out = () => new Output(Boolean(program.opts().json));

  program
    .command('migrate')
    .description('Apply pending database migrations (or revert the last one / show their state).')
    .option('--revert', 'revert the most recently applied migration')
    .option('--status', 'list migrations and whether each is applied')
    .action(async (opts: { revert?: boolean; status?: boolean }) => {
      const o = out();
      await withAppContext(
        config(),
        async (ctx) => {
          const ds = ctx.get(DataSource);
          if (opts.status) {
            const status = await migrationStatus(ds);
            o.result(status, status.map((m) => `${m.applied ? '[x]' : '[ ]'} ${m.name}`).join('\n'));
          } else if (opts.revert) {
            const before = (await migrationStatus(ds)).filter((m) => m.applied).map((m) => m.name);
            await revertLastMigration(ds);
            const reverted = before.at(-1) ?? null;
            o.result({ reverted }, reverted ? `Reverted ${reverted}` : 'Nothing to revert.');
          } else {
            const applied = (await runMigrations(ds)).map((m) => m.name);
            o.result(
              { applied },
              applied.length ? `Applied ${applied.length}: ${applied.join(', ')}` : 'Database is up to date.',
            );
          }
        },
        { migrationsRun: false, log: (l) => o.info(l) },
      );
    });

  const jobs = program.command('jobs').description('List or run scheduled jobs.');
  jobs
    .command('list')
    .description('List the jobs and their schedules.')
    .action(async () => {
      const o = out();
      await withAppContext(
        config(),
        async (ctx) => {
          const list = ctx
            .get(JobRegistry)
            .list()
            .map((j) => ({ name: j.name, cron: j.cron ?? null, description: j.description }));
          o.result(
            list,
            list.map((j) => `${j.name.padEnd(20)} ${(j.cron ?? 'on demand').padEnd(14)} ${j.description}`).join('\n'),
          );
        },
        { log: (l) => o.info(l) },
      );
    });
  jobs
    .command('run <name>')
    .description('Run a job now (once across all instances; skipped if it is already running).')
    .action(async (name: string) => {
      const o = out();
      await withAppContext(
        config(),
        async (ctx) => {
          const outcome = await ctx.get(JobRunnerService).run(name, { trigger: 'manual' });
          if (outcome.status === 'failed') {
            o.result(outcome, '');
            throw new CliError(`Job ${name} failed: ${outcome.error}`);
          }
          o.result(
            outcome,
            outcome.status === 'succeeded'
              ? `Job ${name} succeeded: ${JSON.stringify(outcome.counts)}`
              : `Job ${name} skipped: it is already running elsewhere.`,
          );
        },
        { log: (l) => o.info(l) },
      );
    });

  program
    .command('create-admin')
    .description('Create an admin, or make an existing user admin again with a new password (ends their sessions).')
    .requiredOption('--email <email>', "the admin's email")
    .option('--password <password>', 'the password (at least 12 characters); omit to generate one, printed once')
    .action(async (opts: { email: string; password?: string }) => {
      const o = out();
      if (!/^[^@\s]+@[^@\s]+$/.test(opts.email)) throw new CliError(`"${opts.email}" is not an email address.`, 2);
      if (opts.password !== undefined && opts.password.length < 12)
        throw new CliError('The password must be at least 12 characters.', 2);
      await withAppContext(
        config(),
        async (ctx) => {
          const { user, created, generatedPassword } = await ctx
            .get(UsersService)
            .ensureAdmin(opts.email, { plain: opts.password });
          o.result(
            { id: user.id, email: user.email, created, ...(generatedPassword ? { password: generatedPassword } : {}) },
            `${created ? 'Created admin' : 'Restored admin'} ${user.email}` +
              (generatedPassword ? ` with the generated password ${generatedPassword} (shown only now).` : '.'),
          );
        },
        { log: (l) => o.info(l) },
      );
    });

  const imports = program.command('import').description('Import catalog data.');
  imports
    .command('hf <source>')
    .description(
      'Import Hugging Face Hub model records from a JSON/NDJSON file or a Hub API URL (followed through its Link pages).',
    )
    .option('--max-pages <n>', 'stop after this many pages of a URL', (v) => Number(v))
    .action(async (source: string, opts: { maxPages?: number }) => {
      const o = out();
      const isUrl = /^https?:\/\//.test(source);
      if (!isUrl && !existsSync(source))
        throw new CliError(`No file ${source}. Give a JSON/NDJSON file or an http(s) URL.`, 2);
      const cfg = config();
      await withAppContext(
        cfg,
        async (ctx) => {
          // A URL goes through the sync's feed client: private and loopback addresses only when SYNC_ALLOWED_HOSTS
          // names the host, with its timeout, size cap and retries.
          const getPage = hfPageGetter(syncFetchOptions(cfg.sync));
          const pages = isUrl ? readHfUrl(source, { maxPages: opts.maxPages, getPage }) : readHfFile(source);
          const bar = o.progress();
          let pagesRead = 0;
          const result = await ctx
            .get(HfImportService)
            .import(pages, (c, page) => {
              pagesRead++;
              const fraction = page.total ? c.records / page.total : opts.maxPages ? pagesRead / opts.maxPages : null;
              bar.update(
                fraction,
                isUrl ? `page ${pagesRead}${opts.maxPages ? `/${opts.maxPages}` : ''}` : 'importing',
                `${c.records}${page.total ? `/${page.total}` : ''} records (${c.created} new, ${c.updated} updated, ` +
                  `${c.unchanged} unchanged, ${c.skipped} skipped)`,
              );
            })
            .finally(() => bar.done());
          const c = result.counts;
          o.result(
            result,
            `Imported ${c.records} records: ${c.created} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped; ` +
              `${c.edges_written} lineage edges written, ${c.edges_removed} removed.` +
              (result.problems.length ? `\nSkipped:\n  ${result.problems.join('\n  ')}` : ''),
          );
        },
        { log: (l) => o.info(l) },
      );
    });

  program
    .command('sync <source>')
    .description(
      'Run a sync source by name, or an adapter (litellm, openrouter, genai-prices, …) on --url or --file as an ad-hoc feed.',
    )
    .option('--url <url>', 'fetch this URL (ad-hoc run of an adapter)')
    .option('--file <path>', 'read this file (ad-hoc run of an adapter)')
    .option('--dry-run', 'compute and print the diff counts; write nothing')
    .action(async (name: string, opts: { url?: string; file?: string; dryRun?: boolean }) => {
      const o = out();
      if (opts.file && !existsSync(opts.file)) throw new CliError(`No file ${opts.file}.`, 2);
      const run = await withAppContext(
        config(),
        async (ctx) => {
          const sync = ctx.get(SyncService);
          const bar = o.progress();
          const request = (adapter: string) => ({
            trigger: 'cli' as const,
            dryRun: Boolean(opts.dryRun),
            onProgress: (phase: string, c: SyncCounts) =>
              bar.update(
                // Hugging Face runs import pages of unknown number: a counter, no share.
                adapter === 'huggingface' ? null : syncFraction(phase, c),
                phase,
                phase === 'fetching' && c.bytes
                  ? `${formatBytes(c.bytes)}${c.bytes_total ? ` of ${formatBytes(c.bytes_total)}` : ''}`
                  : describeCounts({ ...c, bytes: undefined, bytes_total: undefined }).trim(),
              ),
          });
          // The bar ends on the run's outcome, or (on an error) where it stood, before anything else is printed.
          const finish = (run: Promise<SyncRunEntity>) =>
            run.then(
              (r) => {
                bar.done({ fraction: r.status === 'succeeded' ? 1 : null, step: r.status });
                return r;
              },
              (e: unknown) => {
                bar.done();
                throw e;
              },
            );
          if (opts.url || opts.file) {
            if (!(ADAPTERS as readonly string[]).includes(name)) {
              throw new CliError(
                `"${name}" is not an adapter. With --url/--file give one of: ${ADAPTERS.join(', ')}.`,
                2,
              );
            }
            return finish(
              sync.runAdHoc({ adapter: name as AdapterName, url: opts.url, file: opts.file }, request(name)),
            );
          }
          const sources = await ctx.get(SyncSourcesService).list();
          const source = sources.find((s) => s.name === name);
          if (!source) {
            throw new CliError(
              `No sync source "${name}". Sources: ${sources.map((s) => s.name).join(', ') || '(none)'}; ` +
                `or run an adapter on a feed: mph sync litellm --file model_prices.json`,
              2,
            );
          }
          const started = await sync.start(source, request(source.adapter));
          return finish(started.done);
        },
        { log: (l) => o.info(l) },
      );
      o.result(runJson(run), describeRun(run));
      if (run.status === 'failed') throw new CliError(`Sync failed: ${run.error}`, 1);
      if (run.status === 'quarantined') {
        throw new CliError(`Quarantined: ${run.quarantineReason} Review run ${run.id} in the console (Sync runs).`, 3);
      }
    });

  const sources = program.command('sources').description('Price sync sources.');
  sources
    .command('list')
    .description('List sync sources with their schedule.')
    .action(async () => {
      const o = out();
      await withAppContext(
        config(),
        async (ctx) => {
          const list = await ctx.get(SyncSourcesService).list();
          o.result(
            list.map((s) => ({
              id: s.id,
              name: s.name,
              adapter: s.adapter,
              url: s.url,
              schedule: s.schedule,
              enabled: s.enabled,
            })),
            list.length
              ? list
                  .map(
                    (s) =>
                      `${s.enabled ? ' ' : '-'} ${s.name.padEnd(18)} ${s.adapter.padEnd(13)} ${(s.schedule ?? 'on demand').padEnd(14)} ${s.url}`,
                  )
                  .join('\n')
              : 'No sync sources.',
          );
        },
        { log: (l) => o.info(l) },
      );
    });

  program
    .command('export <format>')
    .description(
      'Export current prices as a LiteLLM cost map (litellm), OpenRouter models list (openrouter) or CSV (csv).',
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--at <instant>', 'prices in force at this ISO 8601 instant (default now)')
    .action(async (format: string, opts: { out?: string; at?: string }) => {
      const o = out();
      if (!EXPORT_FORMATS.includes(format)) {
        throw new CliError(`Unknown format "${format}": use one of ${EXPORT_FORMATS.join(', ')}.`, 2);
      }
      const at = opts.at ? new Date(opts.at) : new Date();
      if (Number.isNaN(at.getTime())) throw new CliError(`--at "${opts.at}" is not an ISO 8601 instant.`, 2);
      const body = await withAppContext(config(), async (ctx) => {
        const exports = ctx.get(ExportsService);
        if (format === 'csv') return exports.csv(at);
        const doc = format === 'litellm' ? await exports.litellm(at) : await exports.openrouter(at);
        return `${JSON.stringify(doc, null, 2)}\n`;
      });
      if (!opts.out) {
        process.stdout.write(body);
        return;
      }
      const file = resolve(opts.out);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, body);
      o.result({ file, format, bytes: Buffer.byteLength(body) }, `Wrote ${format} prices to ${file}`);
    });

  program
    .command('estimate')
    .description('The cost of a call on every offering of a model, cheapest first (the estimate_cost MCP tool).')
    .requiredOption('--model <id>', 'model id, e.g. openai/gpt-4o-mini')
    .option('--input <tokens>', 'prompt tokens (cached ones included)', tokenCount, 0)
    .option('--output <tokens>', 'output tokens (reasoning included)', tokenCount, 0)
    .option('--cache-read <tokens>', 'prompt tokens read from the cache (part of --input)', tokenCount)
    .action(async (opts: { model: string; input: number; output: number; cacheRead?: number }) => {
      const o = out();
      const result = await withAppContext(config(), (ctx) =>
        ctx.get(McpToolsService).estimateCost({
          model: opts.model,
          input_tokens: opts.input,
          output_tokens: opts.output,
          cache_read_tokens: opts.cacheRead,
        }),
      ).catch((e: unknown) => {
        if (e instanceof DomainError) throw new CliError(e.message, e.status === 404 ? 3 : 2);
        throw e;
      });
      const lines = result.offerings.map(
        (x) => `${x.total.padStart(14)} ${x.currency}  ${x.provider} ${x.provider_model_id}`,
      );
      const unpriced = result.unpriced.map((x) => `${'unknown'.padStart(14)}      ${x.provider} (${x.reason})`);
      o.result(
        result,
        [`${result.model_id}: ${opts.input} in, ${opts.output} out`, ...lines, ...unpriced].join('\n') +
          (lines.length ? '' : '\nNo priced offering: the price is unknown (not free).'),
      );
    });

  program
    .command('mcp')
    .description(
      'Serve the MCP server (read-only tools over the catalog, prices, costs and lineage) over stdio, for desktop ' +
        'agents to launch. Logs stay off stdout; stop with Ctrl-C or by closing stdin.',
    )
    .action(async () => {
      await withAppContext(
        config(),
        async (ctx) => {
          const server = createMcpServer(ctx.get(McpToolsService), APP_VERSION_STRING);
          const transport = new StdioServerTransport();
          const closed = new Promise<void>((resolve) => {
            transport.onclose = resolve;
            process.stdin.once('end', resolve);
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await server.connect(transport);
          await closed;
          await server.close();
        },
        { quiet: true },
      );
    });

  program
    .command('openapi')
    .description('Write the OpenAPI document of this build (no database needed).')
    .option('--out <file>', 'where to write it', 'openapi/openapi.json')
    .action(async (opts: { out: string }) => {
      const o = out();
      const file = resolve(opts.out);
      const json = await writeOpenApiDocument(config());
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, json);
      o.result({ file }, `Wrote ${file}`);
    });

  return program;
}

const EXPORT_FORMATS = ['litellm', 'openrouter', 'csv'];

/** A token count option: a whole number from 0 to 10^12, or a usage error. */
function tokenCount(value: string): number {
  const n = Number(value);
  if (!/^\d{1,13}$/.test(value) || n > 1e12) {
    throw new InvalidArgumentError('expected a whole number of tokens');
  }
  return n;
}

const SYNC_STEPS = ['fetching', 'parsing', 'planning', 'applying'];

/** A price sync's share done: its four steps in turn, the download itself measured when its size is known. */
export function syncFraction(phase: string, c: SyncCounts): number | null {
  const step = SYNC_STEPS.indexOf(phase === 'reading' ? 'fetching' : phase);
  if (step < 0) return null;
  const within = step === 0 && c.bytes && c.bytes_total ? Math.min(1, c.bytes / c.bytes_total) : 0;
  return (step + within) / SYNC_STEPS.length;
}

function describeCounts(c: SyncCounts): string {
  const parts = Object.entries(c)
    .filter(([k, v]) => v !== undefined && k !== 'duration_ms')
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`);
  return parts.length ? ` ${parts.join(', ')}` : '';
}

function describeRun(run: SyncRunEntity): string {
  const verb = run.dryRun ? 'Dry run' : 'Sync';
  return (
    `${verb} of ${run.sourceName} ${run.status} in ${run.counts.duration_ms ?? 0} ms:${describeCounts(run.counts)}` +
    (run.error ? `\n${run.error}` : '') +
    (run.quarantineReason ? `\nQuarantined: ${run.quarantineReason}` : '')
  );
}

function runJson(run: SyncRunEntity) {
  return {
    id: run.id,
    source: run.sourceName,
    adapter: run.adapter,
    status: run.status,
    dry_run: run.dryRun,
    counts: run.counts,
    error: run.error,
    quarantine_reason: run.quarantineReason,
  };
}
