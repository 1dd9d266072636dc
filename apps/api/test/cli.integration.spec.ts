import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_MIGRATIONS } from '@mph/api-core';
import { createTestDatabase, testConfig, TestDatabase } from '@mph/api-core/testing';
import { buildProgram } from '../src/cli/commands';
import { CliError } from '../src/cli/output';

/** Runs the CLI in-process and captures what it prints. */
async function cli(db: TestDatabase, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return cliWith({}, db, ...args);
}

/** The same, with environment settings on top of the test configuration. */
async function cliWith(
  env: Record<string, string>,
  db: TestDatabase,
  ...args: string[]
): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await buildProgram(() => testConfig(env, db.url)).parseAsync(['node', 'mph', ...args]);
    return { stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Runs the CLI as if stderr were a terminal 100 columns wide, as a person at a shell sees it. */
async function cliOnTerminal(db: TestDatabase, ...args: string[]) {
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  const columns = Object.getOwnPropertyDescriptor(process.stderr, 'columns');
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
  Object.defineProperty(process.stderr, 'columns', { value: 100, configurable: true });
  try {
    return await cli(db, ...args);
  } finally {
    for (const [key, d] of [
      ['isTTY', tty],
      ['columns', columns],
    ] as const) {
      if (d) Object.defineProperty(process.stderr, key, d);
      else delete (process.stderr as unknown as Record<string, unknown>)[key];
    }
  }
}

/** The last state a terminal shows: what follows the last carriage return + erase-line. */
const lastDrawn = (stderr: string) => stderr.split('\r\x1b[2K').at(-1);

describe('command line', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('migrates, reports status, reverts, and migrates again (--json)', async () => {
    const names = ALL_MIGRATIONS.map((M) => new M().name);
    const last = names[names.length - 1];
    const first = JSON.parse((await cli(db, '--json', 'migrate')).stdout);
    expect(first.applied).toEqual(names);
    const again = JSON.parse((await cli(db, '--json', 'migrate')).stdout);
    expect(again.applied).toEqual([]);
    const status = JSON.parse((await cli(db, '--json', 'migrate', '--status')).stdout);
    expect(status).toEqual(names.map((name) => ({ name, applied: true })));
    const reverted = JSON.parse((await cli(db, '--json', 'migrate', '--revert')).stdout);
    expect(reverted).toEqual({ reverted: last });
    expect((await cli(db, 'migrate', '--status')).stdout).toBe(
      names.map((n) => `${n === last ? '[ ]' : '[x]'} ${n}`).join('\n') + '\n',
    );
    expect((await cli(db, 'migrate')).stdout).toBe(`Applied 1: ${last}\n`);
    expect((await cli(db, 'migrate')).stdout).toBe('Database is up to date.\n');
  });

  it('creates an admin with a generated password, or restores one with a given password', async () => {
    const created = JSON.parse((await cli(db, '--json', 'create-admin', '--email', 'root@cli.test')).stdout);
    expect(created).toMatchObject({
      email: 'root@cli.test',
      created: true,
      password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
    });
    const restored = (await cli(db, 'create-admin', '--email', 'root@cli.test', '--password', 'a-long-password-1'))
      .stdout;
    expect(restored).toBe('Restored admin root@cli.test.\n');
    await expect(cli(db, 'create-admin', '--email', 'nope')).rejects.toMatchObject({ exitCode: 2 });
    await expect(cli(db, 'create-admin', '--email', 'a@b.c', '--password', 'short')).rejects.toThrow(
      'at least 12 characters',
    );
  });

  it('imports Hugging Face records from a file, idempotently', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mph-cli-')), 'models.ndjson');
    writeFileSync(
      file,
      [{ id: 'cli/base' }, { id: 'cli/tuned', tags: ['base_model:finetune:cli/base'] }]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const first = JSON.parse((await cli(db, '--json', 'import', 'hf', file)).stdout);
    expect(first.counts).toMatchObject({ records: 2, created: 2, edges_written: 1 });
    const again = (await cli(db, 'import', 'hf', file)).stdout;
    expect(again).toBe(
      'Imported 2 records: 0 new, 0 updated, 2 unchanged, 0 skipped; 0 lineage edges written, 0 removed.\n',
    );
    await expect(cli(db, 'import', 'hf', '/no/such/file.json')).rejects.toMatchObject({ exitCode: 2 });

    const shown = await cliOnTerminal(db, 'import', 'hf', file);
    expect(lastDrawn(shown.stderr)).toBe(
      `[${'█'.repeat(24)}] 100%  importing · 2/2 records (0 new, 0 updated, 2 unchanged, 0 skipped)\n`,
    );
    expect(shown.stdout).toBe(again);
  });

  it('imports from a Hub URL only through the feed guard: loopback in any spelling is refused unless allow-listed', async () => {
    let hits = 0;
    const server: Server = createServer((req, res) => {
      hits++;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify([{ id: 'decoy/model' }]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '2130706433', 'localhost']) {
        await expect(cli(db, 'import', 'hf', `http://${host}:${port}/api/models`)).rejects.toThrow(
          /SYNC_ALLOWED_HOSTS/,
        );
      }
      expect(hits).toBe(0);
      const allowed = await cliWith(
        { SYNC_ALLOWED_HOSTS: '127.0.0.1' },
        db,
        '--json',
        'import',
        'hf',
        `http://127.0.0.1:${port}/api/models`,
      );
      expect(JSON.parse(allowed.stdout).counts).toMatchObject({ records: 1, created: 1 });
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });

  it('syncs a price feed from a file (dry run first), then finds nothing new; lists sources', async () => {
    const feed = join(__dirname, '../../../libs/api/pricing/test/fixtures/litellm.json');
    const dry = JSON.parse((await cli(db, '--json', 'sync', 'litellm', '--file', feed, '--dry-run')).stdout);
    expect(dry).toMatchObject({ status: 'succeeded', dry_run: true, source: 'adhoc:litellm' });
    expect(dry.counts.added).toBeGreaterThan(3);
    expect(dry.counts.versions_written).toBeUndefined();
    const run = JSON.parse((await cli(db, '--json', 'sync', 'litellm', '--file', feed)).stdout);
    expect(run.counts).toMatchObject({ added: dry.counts.added, invalid: dry.counts.invalid });
    expect(run.counts.versions_written).toBeGreaterThanOrEqual(run.counts.added);
    const again = await cli(db, 'sync', 'litellm', '--file', feed);
    expect(again.stdout).toMatch(/^Sync of adhoc:litellm succeeded in \d+ ms: .*versions written 0/);
    expect(again.stderr).toContain('planning…');
    expect(again.stderr).not.toContain('\x1b');

    // At a terminal the steps redraw one bar in place, ending full on the outcome.
    const shown = await cliOnTerminal(db, 'sync', 'litellm', '--file', feed, '--dry-run');
    const frames = shown.stderr.split('\r\x1b[2K').filter(Boolean);
    expect(frames.map((f) => f.replace(/ · .*/s, ''))).toEqual([
      `[${'█'.repeat(6)}${'░'.repeat(18)}]  25%  parsing`,
      `[${'█'.repeat(12)}${'░'.repeat(12)}]  50%  planning`,
      `[${'█'.repeat(24)}] 100%  succeeded\n`,
    ]);
    expect(shown.stdout).toMatch(/^Dry run of adhoc:litellm succeeded/);
    expect(JSON.parse((await cli(db, '--json', 'sources', 'list')).stdout)).toEqual([]);
    await expect(cli(db, 'sync', 'nowhere')).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('No sync source "nowhere"'),
    });
    await expect(cli(db, 'sync', 'csv', '--file', feed)).rejects.toMatchObject({ exitCode: 2 });
    await expect(cli(db, 'sync', 'litellm', '--file', '/no/such/feed.json')).rejects.toMatchObject({ exitCode: 2 });
    await expect(cli(db, 'sync', 'openrouter', '--file', feed)).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('{"data": [...]}'),
    });
  });

  it('exports prices (litellm, openrouter, csv) to a file, and the litellm export re-imports with no changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mph-export-'));
    const file = join(dir, 'prices.json');
    const wrote = JSON.parse((await cli(db, '--json', 'export', 'litellm', '--out', file)).stdout);
    expect(wrote).toMatchObject({ file, format: 'litellm', bytes: expect.any(Number) });
    const again = JSON.parse((await cli(db, '--json', 'sync', 'litellm', '--file', file, '--dry-run')).stdout);
    expect(again.counts).toMatchObject({ added: 0, changed: 0, invalid: 0, conflicts: 0 });
    expect(again.counts.unchanged).toBeGreaterThan(3);
    const openrouter = JSON.parse((await cli(db, 'export', 'openrouter')).stdout);
    expect(openrouter.data.length).toBeGreaterThan(0);
    const csv = (await cli(db, 'export', 'csv')).stdout;
    expect(csv.split('\n')[0]).toMatch(/^model_id,provider,provider_model_id,/);
    await expect(cli(db, 'export', 'yaml')).rejects.toMatchObject({
      exitCode: 2,
      message: 'Unknown format "yaml": use one of litellm, openrouter, csv.',
    });
    await expect(cli(db, 'export', 'csv', '--at', 'yesterday')).rejects.toMatchObject({ exitCode: 2 });
  });

  it('estimates a call on every offering of a model (synced above), cheapest first, as text and as JSON', async () => {
    const json = JSON.parse(
      (await cli(db, '--json', 'estimate', '--model', 'openai/gpt-4o', '--input', '1000000', '--output', '1000000'))
        .stdout,
    );
    expect(json.offerings.length).toBeGreaterThan(0);
    const text = (await cli(db, 'estimate', '--model', 'openai/gpt-4o', '--input', '1000000', '--output', '1000000'))
      .stdout;
    expect(text.split('\n')[0]).toBe('openai/gpt-4o: 1000000 in, 1000000 out');
    expect(text).toContain(`${json.offerings[0].total} ${json.offerings[0].currency}  ${json.offerings[0].provider}`);
    await expect(cli(db, 'estimate', '--model', 'nobody/none', '--input', '5')).rejects.toMatchObject({ exitCode: 3 });
    await expect(cli(db, 'estimate', '--model', 'openai/gpt-4o', '--input', 'lots')).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
  });

  it('lists and runs jobs', async () => {
    const list = JSON.parse((await cli(db, '--json', 'jobs', 'list')).stdout);
    expect(list).toEqual([
      { name: 'catalog-stats', cron: '30 2 * * *', description: expect.any(String) },
      { name: 'housekeeping', cron: '17 3 * * *', description: expect.any(String) },
    ]);
    const run = JSON.parse((await cli(db, '--json', 'jobs', 'run', 'housekeeping')).stdout);
    expect(run).toMatchObject({ status: 'succeeded', counts: { job_runs_deleted: 0 } });
    expect((await cli(db, 'jobs', 'run', 'housekeeping')).stdout).toBe(
      'Job housekeeping succeeded: {"job_runs_deleted":0}\n',
    );
  });

  it('fails with a clear message for an unknown job', async () => {
    await expect(cli(db, 'jobs', 'run', 'nope')).rejects.toThrow(
      'No job named "nope". Known jobs: catalog-stats, housekeeping.',
    );
  });

  it('exits with a usage error for an unknown command', async () => {
    await expect(cli(db, 'frobnicate')).rejects.toMatchObject({ code: 'commander.unknownCommand' });
  });

  it('has CliError carry an exit code', () => {
    expect(new CliError('x').exitCode).toBe(1);
    expect(new CliError('x', 2).exitCode).toBe(2);
  });
});
