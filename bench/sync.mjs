// npm run bench:sync  (after npm run build; uses the PostgreSQL at BENCH_ADMIN_URL, default the local one)
// Creates a throwaway database and a sync source whose URL is a local HTTP server serving the LiteLLM cost map
// (../shared/data, 2,985 keys), runs it with the built CLI (`sync litellm-bench`), then runs the identical feed
// again. Prints each run's own duration (fetch + parse + diff + apply, measured by the sync service), the command's
// wall time, and the rows written to the price, catalog and observation tables.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { throwawayDatabase } from './lib.mjs';

const cli = 'dist/apps/api/cli.js';
if (!existsSync(cli)) {
  console.error(`${cli} is missing: run "npm run build" first.`);
  process.exit(1);
}
const file =
  process.env.BENCH_LITELLM ?? join('..', 'shared', 'data', 'litellm', 'model_prices_and_context_window.json');
if (!existsSync(file)) {
  console.error(`No LiteLLM map at ${file}; set BENCH_LITELLM to model_prices_and_context_window.json.`);
  process.exit(1);
}
const db = await throwawayDatabase('mph_bench_sync');
const url = db.url;
const feed = readFileSync(file);
const server = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(feed);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const feedUrl = `http://127.0.0.1:${server.address().port}/model_prices_and_context_window.json`;
const env = {
  ...process.env,
  DATABASE_URL: url.toString(),
  LOG_LEVEL: 'warn',
  CATALOG_DEMO_SEED: 'false',
  SYNC_ALLOWED_HOSTS: '127.0.0.1',
};
const rows = async () => {
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  const [r] = (
    await c.query(`SELECT (SELECT count(*) FROM price_versions)::int AS versions, (SELECT count(*) FROM price_components)::int AS components,
                          (SELECT count(*) FROM offerings)::int AS offerings, (SELECT count(*) FROM models)::int AS models,
                          (SELECT count(*) FROM vendors)::int AS vendors,
                          (SELECT count(*) FROM sync_observations WHERE observed_at = (SELECT max(observed_at) FROM sync_observations))::int AS observations,
                          (SELECT count(*) FROM sync_source_offerings)::int AS seen`)
  ).rows;
  await c.end();
  return r;
};
try {
  execFileSync(process.execPath, [cli, 'migrate'], { env, stdio: 'ignore' });
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  await c.query(`INSERT INTO sync_sources (name, adapter, url) VALUES ('litellm-bench', 'litellm', $1)`, [feedUrl]);
  await c.end();
  const keys = Object.keys(JSON.parse(execFileSync('cat', [file], { maxBuffer: 64 << 20 }).toString())).length;
  console.log(`LiteLLM map: ${keys} keys (${file})`);
  const results = [];
  for (const label of ['full import', 'unchanged re-run']) {
    const before = await rows();
    const t0 = performance.now();
    // Asynchronous: this process serves the feed the CLI fetches.
    const { stdout: out } = await promisify(execFile)(process.execPath, [cli, '--json', 'sync', 'litellm-bench'], {
      env,
      maxBuffer: 64 << 20,
    });
    const wall = performance.now() - t0;
    const run = JSON.parse(out.toString());
    const after = await rows();
    const written = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k]]));
    results.push({
      run: label,
      status: run.status,
      'sync ms': run.counts.duration_ms,
      'command ms (incl. app start)': Math.round(wall),
      'versions written': run.counts.versions_written,
      'rows added': Object.entries(written)
        .filter(([k]) => k !== 'observations')
        .reduce((a, [, b]) => a + b, 0),
      'observations written': run.counts.observations_written ?? 0,
      offerings: run.counts.offerings_created,
      unchanged: run.counts.unchanged,
    });
  }
  console.table(results);
  console.log('Goals: full import ≤ 2000 ms, unchanged re-run ≤ 1000 ms with 0 rows written.');
} finally {
  server.close();
  await db.drop();
}
