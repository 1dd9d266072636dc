import request from 'supertest';
import { createTestApp, createTestDatabase, TcpProxy, TestApp, TestDatabase } from '../testing';

/** Polls until `check` passes: the pool reconnects on its own schedule, so readiness returns when it does. */
async function eventually(check: () => Promise<void>, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setImmediate(r));
    }
  }
}

describe('health', () => {
  it('is live and ready with a database, and reports its version', async () => {
    const t = await createTestApp();
    try {
      const http = request(t.app.getHttpServer());
      expect((await http.get('/api/v1/health/live').expect(200)).body).toEqual({ status: 'ok' });
      const ready = await http.get('/api/v1/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
      const status = await http.get('/api/v1/status').expect(200);
      expect(status.body).toMatchObject({
        status: 'ok',
        version: '0.0.0-test',
        environment: 'test',
        database: { status: 'up', embedded: false },
      });
      expect(status.body.database.version).toMatch(/^PostgreSQL \d+$/);
    } finally {
      await t.close();
    }
  });

  describe('when the database goes away', () => {
    let proxy: TcpProxy;
    let db: TestDatabase;
    let t: TestApp;

    beforeAll(async () => {
      db = await createTestDatabase();
      const routed = await TcpProxy.forUrl(db.url);
      proxy = routed.proxy;
      t = await createTestApp({ database: { ...db, url: routed.url } });
    });

    afterAll(async () => {
      await proxy.open();
      await t.close();
      await proxy.cut();
      await db.drop();
    });

    it('turns not-ready (503 in the envelope) while it is down, and ready again when it is back', async () => {
      const http = () => request(t.app.getHttpServer());
      await http().get('/api/v1/health/ready').expect(200);

      await proxy.cut();
      const down = await http().get('/api/v1/health/ready').expect(503);
      expect(down.body.error).toMatchObject({ code: 'NOT_READY', message: 'Not ready: database unavailable.' });
      expect(down.body.error.details.database.status).toBe('down');
      await http().get('/api/v1/health/live').expect(200);
      const status = await http().get('/api/v1/status').expect(200);
      expect(status.body).toMatchObject({ status: 'degraded', database: { status: 'down' } });
      // A data query while the database is down is a 503, not a 500.
      const runs = await http().get('/api/v1/jobs/runs').expect(503);
      expect(runs.body.error.code).toBe('SERVICE_UNAVAILABLE');

      await proxy.open();
      await eventually(async () => {
        await http().get('/api/v1/health/ready').expect(200);
      });
      await http().get('/api/v1/jobs/runs').expect(200);
    });
  });
});
