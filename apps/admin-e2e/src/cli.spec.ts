import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, root } from './cli-env';

const MPH = join(root, 'apps/api/bin/mph.js');
// The real LiteLLM cost map when ../shared is beside the repository; the pricing tests' small fixture otherwise.
const SHARED_FEED = join(root, '../shared/data/litellm/model_prices_and_context_window.json');
const FEED = existsSync(SHARED_FEED) ? SHARED_FEED : join(root, 'libs/api/pricing/test/fixtures/litellm.json');

/** Runs the built `mph` executable as a child process on the e2e server's database. */
function mph(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MPH, ...args], {
      cwd: root,
      env: cliEnv({ SYNC_ALLOWED_HOSTS: '127.0.0.1' }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test.describe('the mph command line (the built binary)', () => {
  let feed: Server;
  let feedUrl = '';
  test.beforeAll(async () => {
    const body = readFileSync(FEED);
    feed = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
    feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/model_prices.json`;
  });
  test.afterAll(() => new Promise<void>((resolve) => feed.close(() => resolve())));

  test('has help for every command, and bad arguments exit non-zero with a helpful message', async () => {
    const help = await mph('--help');
    expect(help.code).toBe(0);
    for (const command of ['sync', 'sources', 'import', 'export', 'estimate', 'create-admin', 'migrate', 'mcp']) {
      expect(help.stdout).toContain(command);
    }
    const estimateHelp = await mph('estimate', '--help');
    expect(estimateHelp.code).toBe(0);
    expect(estimateHelp.stdout).toContain('--model <id>');
    const missing = await mph('estimate', '--input', '10');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--model <id>' not specified");
    const format = await mph('export', 'yaml');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Unknown format "yaml": use one of litellm, openrouter, csv.');
  });

  test('sync dry run against a local feed server, export to a file and re-import with no changes', async () => {
    const dry = await mph('--json', 'sync', 'litellm', '--url', feedUrl, '--dry-run');
    expect(dry.code).toBe(0);
    const counts = JSON.parse(dry.stdout).counts;
    expect(counts.records).toBeGreaterThan(0);
    expect(counts.versions_written).toBeUndefined();

    const dir = mkdtempSync(join(tmpdir(), 'mph-e2e-'));
    try {
      const file = join(dir, 'litellm.json');
      const exported = await mph('export', 'litellm', '--out', file);
      expect(exported.code).toBe(0);
      expect(exported.stdout).toContain(`Wrote litellm prices to ${file}`);
      const reimport = await mph('--json', 'sync', 'litellm', '--file', file, '--dry-run');
      expect(reimport.code).toBe(0);
      expect(JSON.parse(reimport.stdout).counts).toMatchObject({ added: 0, changed: 0, invalid: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('estimates in text and JSON; an unknown model exits 3', async () => {
    const json = await mph('--json', 'estimate', '--model', 'openai/gpt-4o-mini', '--input', '1000', '--output', '500');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.offerings[0]).toMatchObject({ total: expect.stringMatching(/^\d+(\.\d+)?$/), currency: 'USD' });
    const text = await mph('estimate', '--model', 'openai/gpt-4o-mini', '--input', '1000', '--output', '500');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${result.offerings[0].total} USD`);
    const unknown = await mph('estimate', '--model', 'nobody/none', '--input', '1');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('nobody/none');
  });
});
