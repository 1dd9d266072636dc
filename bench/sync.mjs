// npm run bench:sync  (after npm run build; uses the PostgreSQL at BENCH_ADMIN_URL, default the local one)
// Creates a throwaway database, imports the LiteLLM cost map (../shared/data, 2,985 keys) with the built CLI's
// `sync litellm --file`, then runs the identical feed again. Prints each run's own duration (read + parse + diff +
// apply, measured by the sync service), the command's wall time, and the rows written.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

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
const admin = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `mph_bench_sync_${process.pid}`;
const adminClient = new pg.Client({ connectionString: admin });
await adminClient.connect();
await adminClient.query(`CREATE DATABASE ${dbName}`);
const url = new URL(admin);
url.pathname = `/${dbName}`;
const env = { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', CATALOG_DEMO_SEED: 'false' };
const rows = async () => {
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  const [r] = (
    await c.query(`SELECT (SELECT count(*) FROM price_versions)::int AS versions, (SELECT count(*) FROM price_components)::int AS components,
                          (SELECT count(*) FROM offerings)::int AS offerings, (SELECT count(*) FROM models)::int AS models`)
  ).rows;
  await c.end();
  return r;
};
try {
  execFileSync(process.execPath, [cli, 'migrate'], { env, stdio: 'ignore' });
  const keys = Object.keys(JSON.parse(execFileSync('cat', [file], { maxBuffer: 64 << 20 }).toString())).length;
  console.log(`LiteLLM map: ${keys} keys (${file})`);
  const results = [];
  for (const label of ['full import', 'unchanged re-run']) {
    const before = await rows();
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [cli, '--json', 'sync', 'litellm', '--file', file], {
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
      'rows written': Object.values(written).reduce((a, b) => a + b, 0),
      offerings: run.counts.offerings_created,
      unchanged: run.counts.unchanged,
    });
  }
  console.table(results);
  console.log('Goals: full import ≤ 2000 ms, unchanged re-run ≤ 1000 ms with 0 rows written.');
} finally {
  await adminClient.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await adminClient.end();
}
