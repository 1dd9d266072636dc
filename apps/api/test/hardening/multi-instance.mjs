// npm run test:multi: two API *processes* on one database and one Redis, as behind a load balancer (issue #9).
// Part of npm test and npm run test:hardening; needs the build (the script runs it) and Redis (REDIS_URL, else the
// machine's 127.0.0.1:6379; under CI a missing Redis fails, elsewhere the script says so and stops).
//
// It shows, with the built server as users run it:
//   1. gateway limits are shared: 3 calls a minute allowed for a key, the 4th is refused on either instance;
//   2. response caches are invalidated across instances: a model page cached on B shows an edit made on A at once
//      (PostgreSQL LISTEN/NOTIFY), reported as the propagation time;
//   3. catalog search (each instance's in-process index, in its worker thread) shows an edit made on A and a row
//      written by another process (a sync, an import) on both instances within 1 s, the writer at once;
//   4. each cron job runs once: both instances schedule housekeeping every second, every tick is served, and the
//      executions the two processes count (job_runs_total) add up to the runs recorded, not more.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import pg from 'pg';
// The benchmarks' harness (start the built API, throwaway database): tooling shared by scripts, not a library.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { requireBuild, signIn, startBuiltApi, suiteDatabase } from '../../../../bench/lib.mjs';

requireBuild();

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!(await reachable(redisUrl))) {
  console.error(`multi-instance: no Redis at ${redisUrl}. Start one (or set REDIS_URL) to run this suite.`);
  process.exit(process.env.CI ? 1 : 0);
}

const ADMIN = { email: 'admin@multi.test', password: 'multi-instance-password-1' };
const shared = {
  REDIS_URL: redisUrl,
  JWT_SECRET: 'multi-instance-secret-0123456789abcdefghijklmnopqrstuvwxyz',
  SECRETS_KEY: '0000000000000000000000000000000000000000000000000000000000000002',
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  CATALOG_DEMO_SEED: 'true',
  RESPONSE_CACHE_SECONDS: '300',
  JOBS_ENABLED: 'true',
  HOUSEKEEPING_CRON: '* * * * * *',
};

// The first instance starts an embedded PostgreSQL when DATABASE_URL is not set; the second uses it like any other.
const database = await suiteDatabase('mph_multi');
const databaseUrl = database.url;

const instances = [];
const results = {};
let failed = false;
try {
  console.log('multi-instance: starting instance A …');
  instances.push(await startBuiltApi(database.firstUrl, { ...shared, ...database.firstEnv }));
  console.log('multi-instance: starting instance B …');
  instances.push(await startBuiltApi(databaseUrl, shared));
  const [a, b] = instances;
  const token = await signIn(a.base, ADMIN.email, ADMIN.password);
  const call = (instance, path, { method = 'GET', body, auth = token } = {}) =>
    fetch(instance.base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  await check('gateway limits are shared', async () => {
    const created = await (
      await call(a, '/api/v1/api-keys', { method: 'POST', body: { name: 'multi', scopes: ['gateway'] } })
    ).json();
    const limit = await call(b, '/api/v1/gateway/limits', {
      method: 'PUT',
      body: { scope: 'api_key', scope_id: created.id, requests_per_minute: 3 },
    });
    assert.equal(limit.status, 200, await limit.text());
    const ask = (instance) =>
      call(instance, '/v1/chat/completions', {
        method: 'POST',
        auth: created.key,
        body: { model: 'local/echo', messages: [{ role: 'user', content: 'hello' }] },
      }).then(async (r) => [r.status, await r.text()][0]);
    const statuses = [await ask(a), await ask(b), await ask(a), await ask(b), await ask(a)];
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    results.limits = { requests_per_minute: 3, statuses };
  });

  await check('response caches are invalidated across instances', async () => {
    const list = await (await call(a, '/api/v1/models?per_page=1', { auth: null })).json();
    const id = list.data[0].id;
    const read = async (instance) =>
      (await (await call(instance, `/api/v1/models/${encodeURIComponent(id)}`, { auth: null })).json()).description;
    const cached = async (instance) =>
      (await call(instance, `/api/v1/models/${encodeURIComponent(id)}`, { auth: null })).headers.get('x-cache');
    await cached(b);
    assert.equal(await cached(b), 'HIT', 'instance B does not cache the model page');
    const description = `Edited on instance A at ${new Date().toISOString()}`;
    const [owner, name] = id.split('/');
    const patched = await call(a, `/api/v1/models/${owner}/${name}`, { method: 'PATCH', body: { description } });
    assert.equal(patched.status, 200, await patched.text());
    const committedAt = Date.now();
    let seen = 0;
    // B hears the change through PostgreSQL's notification a few milliseconds after the commit.
    while ((await read(b)) !== description) {
      seen++;
      assert.ok(Date.now() - committedAt < 2000, 'instance B still serves the old answer 2 s after the edit');
    }
    assert.equal(await cached(b), 'HIT', 'instance B caches the new answer again');
    results.cache = { propagation_ms: Date.now() - committedAt, stale_reads: seen };
  });

  await check('search indexes follow writes from any instance within 1 s', async () => {
    const search = async (instance, q) => {
      const res = await call(instance, `/api/v1/models?q=${encodeURIComponent(q)}&per_page=5`, { auth: null });
      assert.equal(res.status, 200);
      return {
        engine: /desc="(\w+)"/.exec(res.headers.get('server-timing') ?? '')?.[1],
        ids: (await res.json()).data.map((m) => m.id),
      };
    };
    // Each instance loads its index in the background after start; PostgreSQL answers until then.
    const deadline = Date.now() + 30_000;
    for (const instance of [a, b]) {
      while ((await search(instance, 'gpt')).engine !== 'memory') {
        assert.ok(Date.now() < deadline, 'the search index did not load within 30 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const seen = async (instance, q, id, ms) => {
      const started = Date.now();
      while (!(await search(instance, q)).ids.includes(id)) {
        assert.ok(Date.now() - started < ms, `${q} does not find ${id} within ${ms} ms`);
      }
      return Date.now() - started;
    };
    const id = (await search(a, 'gpt')).ids[0];
    const [owner, name] = id.split('/');
    const word = `kestrel${Date.now().toString(36)}`;
    const patched = await call(a, `/api/v1/models/${owner}/${name}`, {
      method: 'PATCH',
      body: { display_name: `${word} edition` },
    });
    assert.equal(patched.status, 200, await patched.text());
    const writer = await seen(a, word, id, 1); // read-your-write: the first search finds it
    const edit = await seen(b, word, id, 1000);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const synced = `synced/${word}-7b`;
    try {
      await client.query(
        `INSERT INTO models (id, display_name, author, source) VALUES ($1, $2, 'synced', 'huggingface')`,
        [synced, `${word} 7B`],
      );
    } finally {
      await client.end();
    }
    const sync = Math.max(await seen(a, `${word} 7b`, synced, 1000), await seen(b, `${word} 7b`, synced, 1000));
    results.search = { writer_ms: writer, other_instance_edit_ms: edit, other_process_write_ms: sync };
  });

  await check('each cron tick runs once', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const runs = async () =>
        (
          await client.query(
            `SELECT scheduled_for, instance, status FROM job_run
             WHERE job_name = 'housekeeping' AND trigger = 'cron' ORDER BY scheduled_for`,
          )
        ).rows;
      // Both instances schedule the job every second; wait (polling the table) for five ticks once both are up.
      const before = (await runs()).length;
      const deadline = Date.now() + 15_000;
      let rows = await runs();
      while (rows.length < before + 5) {
        assert.ok(Date.now() < deadline, `only ${rows.length - before} ticks served in 15 s`);
        await new Promise((r) => setTimeout(r, 250));
        rows = await runs();
      }
      rows = rows.slice(before);
      const ticks = rows.map((r) => r.scheduled_for.getTime());
      // Ticks are one second apart: a gap would be a tick neither instance served.
      const missed = ticks.slice(1).reduce((n, t, i) => n + Math.max(0, (t - ticks[i]) / 1000 - 1), 0);
      assert.equal(missed, 0, `ticks missed: ${JSON.stringify(ticks)}`);
      assert.ok(
        rows.every((r) => r.status === 'succeeded' || r.status === 'running'),
        JSON.stringify(rows),
      );
      // Executions, counted by each process itself (job_runs_total, incremented after its run is recorded), never
      // exceed the runs recorded: had an instance run a tick it had not claimed, the counters would add up to more
      // than the table holds. The counters are read first, the table after, as ticks keep coming.
      const succeeded = async () =>
        (
          await client.query(
            `SELECT count(*)::int AS n FROM job_run WHERE job_name = 'housekeeping' AND status = 'succeeded'`,
          )
        ).rows[0].n;
      const executed = async (instance) => {
        const res = await fetch(`${instance.base}/metrics`);
        if (!res.ok) throw new Error(`GET /metrics answered ${res.status}: the executions cannot be counted`);
        const text = await res.text();
        const line = text
          .split('\n')
          .find((l) => l.startsWith('job_runs_total{job="housekeeping",status="succeeded"}'));
        return line ? Number(line.split(' ').pop()) : 0;
      };
      const counted = (await executed(a)) + (await executed(b));
      const recorded = await succeeded();
      assert.ok(counted >= 1 && counted <= recorded, `executions ${counted}, runs recorded ${recorded}`);
      results.cron = {
        ticks: ticks.length,
        missed,
        executions: counted,
        served_by: Object.fromEntries(
          [...new Set(rows.map((r) => r.instance))].map((i) => [i, rows.filter((r) => r.instance === i).length]),
        ),
      };
    } finally {
      await client.end();
    }
  });
  console.log(JSON.stringify(results, null, 2));
} catch (error) {
  console.error(`multi-instance: ${error.message}`);
  failed = true;
} finally {
  for (const instance of instances.reverse()) await instance.stop();
  await database.cleanup();
}
console.log(failed ? 'multi-instance: FAILED' : 'multi-instance: passed');
process.exit(failed ? 1 : 0);

async function check(name, fn) {
  try {
    await fn();
    console.log(`  ✓ ${name}`);
  } catch (error) {
    console.error(`  ✘ ${name}: ${error.message}`);
    failed = true;
  }
}

function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port || 6379), u.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
