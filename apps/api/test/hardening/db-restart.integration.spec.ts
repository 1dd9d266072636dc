import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createTestApp, PgCluster, TEST_ENV, TestApp } from '@mph/api-core/testing';
import { Client } from 'pg';
import { AppModule } from '../../src/app/app.module';

/** Answers 503 each client must get before PostgreSQL comes back (300 ≈ 10 s down; 50 keeps the suite quick). */
const DOWN_503S = 50;
/** Set to true to print each run's figures (recovery time, answers, events). */
const REPORT = false;

/** What one ingesting client saw: every answer's status, and the keys the API acknowledged with a 200. */
interface ClientLog {
  statuses: Map<number | string, number>;
  acknowledged: Set<string>;
  sent: number;
  /** Batches acknowledged so far, and the time of each 200 (ms since epoch). */
  batches: number;
  okTimes: number[];
  firstUnavailableAt?: number;
}

/**
 * PostgreSQL restarted under ingest load (issue #9): two clients post usage batches continuously while the test
 * stops and starts the database server itself (a cluster of its own, not a cut proxy). While it is down the API
 * answers 503, never 500 or 401; it serves again within 5 s of the server being back by itself; and every event the
 * clients were told was stored is stored exactly once (clients retry unacknowledged batches with the same keys, as
 * the API asks them to).
 */
describe('database restart under ingest load', () => {
  let cluster: PgCluster;
  let t: TestApp;
  let base: string;
  let key: string;
  const answers = new EventEmitter();
  let running: Array<ReturnType<typeof ingest>> = [];
  let lastBody = '';

  beforeAll(async () => {
    cluster = await PgCluster.create();
    const admin = new Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE mph_restart');
    await admin.end();
    t = await createTestApp({
      root: (o) => AppModule.forRoot(o),
      // A small pool, so the clients keep every connection busy when the server goes away.
      env: { DATABASE_POOL_MAX: '4' },
      database: { url: cluster.url('mph_restart'), name: 'mph_restart', drop: async () => undefined },
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: TEST_ENV['ADMIN_EMAIL'], password: TEST_ENV['ADMIN_PASSWORD'] }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const created = await fetch(`${base}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
      body: JSON.stringify({ name: 'restart-ingest', scopes: ['usage:write'] }),
    });
    key = ((await created.json()) as { key: string }).key;
  });

  afterEach(async () => {
    await Promise.all(running.map((c) => c.stop()));
    running = [];
  });

  afterAll(async () => {
    try {
      await cluster?.start();
      await t?.close();
    } finally {
      // The cluster's processes go whatever happened above.
      await cluster?.destroy();
    }
  });

  /** Runs one client until `stop()` is called; each batch is retried with the same keys until it is acknowledged. */
  function ingest(name: string): { log: ClientLog; stop: () => Promise<void> } {
    const log: ClientLog = { statuses: new Map(), acknowledged: new Set(), sent: 0, batches: 0, okTimes: [] };
    let stopping = false;
    const done = (async () => {
      for (let batch = 0; !stopping; batch++) {
        const events = Array.from({ length: 20 }, (_, i) => ({
          idempotency_key: `${name}-${batch}-${i}`,
          timestamp: new Date(Date.UTC(2026, 10, 1) + batch * 1000).toISOString(),
          provider: 'openai',
          model: 'gpt-4o',
          usage: { input_tokens: 1000 + i, output_tokens: 100 },
          session_id: name,
        }));
        log.sent += events.length;
        for (;;) {
          let status: number | string;
          try {
            const res = await fetch(`${base}/api/v1/usage`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': key },
              body: JSON.stringify({ events }),
              signal: AbortSignal.timeout(10_000),
            });
            status = res.status;
            const text = await res.text();
            if (status !== 200) lastBody = text.slice(0, 300);
            const body = JSON.parse(text) as { results?: Array<{ idempotency_key: string; status: string }> };
            if (status === 200) {
              for (const r of body.results ?? []) {
                if (r.status === 'stored' || r.status === 'duplicate') log.acknowledged.add(r.idempotency_key);
              }
              log.batches++;
              log.okTimes.push(Date.now());
            } else if (status === 503) {
              log.firstUnavailableAt ??= Date.now();
            }
          } catch (error) {
            status = (error as Error).name; // TimeoutError: the API did not answer within 10 s
          }
          log.statuses.set(status, (log.statuses.get(status) ?? 0) + 1);
          answers.emit('answer');
          if (status === 200 || stopping) break;
          // A client backs off a little before retrying a batch the API could not take.
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    })();
    return {
      log,
      stop: async () => {
        stopping = true;
        await done;
      },
    };
  }

  /** Resolves once `check` holds, checked after each answer a client gets (the clients' pace, not a timer). */
  function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        answers.off('answer', onAnswer);
        const seen = running.map((c) => JSON.stringify([...c.log.statuses]));
        reject(new Error(`Timed out waiting until ${what}; statuses so far: ${seen.join(' ')}; last: ${lastBody}`));
      }, timeoutMs);
      const onAnswer = () => {
        if (!check()) return;
        clearTimeout(timer);
        answers.off('answer', onAnswer);
        resolve();
      };
      answers.on('answer', onAnswer);
    });
  }

  it.each(['fast', 'immediate'] as const)(
    'answers 503 while PostgreSQL is down (%s shutdown), recovers within 5 s, and stores every event once',
    async (mode) => {
      const clients = (running = [ingest(`${mode}-a`), ingest(`${mode}-b`)]);
      const logs = clients.map((c) => c.log);
      await until(() => logs.every((l) => l.batches >= 5), 'both clients stored 5 batches');

      await cluster.stop(mode);
      // Down long enough for every pooled connection to have failed and the pool to be retrying.
      await until(
        () => logs.every((l) => (l.statuses.get(503) ?? 0) >= DOWN_503S),
        `both clients got ${DOWN_503S} answers 503`,
      );
      const okBeforeRestart = logs.map((l) => l.okTimes.length);

      await cluster.start();
      const backAt = Date.now();
      await until(
        () => logs.every((l, i) => l.okTimes.length >= okBeforeRestart[i] + 5),
        'both clients stored 5 more batches',
      );
      const recoveryMs = Math.max(...logs.map((l, i) => l.okTimes[okBeforeRestart[i]] - backAt));
      await Promise.all(clients.map((c) => c.stop()));

      const statuses = new Map<number | string, number>();
      for (const l of logs) for (const [s, n] of l.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n);
      expect([...statuses.keys()].sort()).toEqual([200, 503]);
      expect(recoveryMs).toBeLessThan(5000);
      if (REPORT)
        console.log(mode, { recoveryMs, statuses: [...statuses], sent: logs.reduce((n, l) => n + l.sent, 0) });

      const db = new Client({ connectionString: cluster.url('mph_restart') });
      await db.connect();
      try {
        const rows = (
          await db.query<{ idempotency_key: string; n: number }>(
            `SELECT idempotency_key, count(*)::int AS n FROM usage_events WHERE session_id = ANY($1) GROUP BY 1`,
            [clients.map((_, i) => `${mode}-${'ab'[i]}`)],
          )
        ).rows;
        const acknowledged = new Set(logs.flatMap((l) => [...l.acknowledged]));
        expect(rows.filter((r) => r.n !== 1)).toEqual([]);
        expect(new Set(rows.map((r) => r.idempotency_key))).toEqual(acknowledged);
        // Clients retry until acknowledged, so everything they sent is acknowledged, and stored.
        expect(acknowledged.size).toBe(logs.reduce((n, l) => n + l.sent, 0));
      } finally {
        await db.end();
      }
    },
  );
});
