import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, createTestDatabase, freePort, testConfig, TestDatabase } from '@mph/api-core/testing';
import { AppModule } from '../src/app/app.module';
import { startServer } from '../src/app/server';
import { writeOpenApiDocument } from '../src/cli/openapi';

describe('the whole API (AppModule)', () => {
  it('boots every domain module on a fresh database and answers /status', async () => {
    const t = await createTestApp({ root: (o) => AppModule.forRoot(o) });
    try {
      const res = await request(t.app.getHttpServer()).get('/api/v1/status').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', database: { status: 'up' } });
    } finally {
      await t.close();
    }
  });

  it('matches the committed openapi/openapi.json (run `npm run api:client` after changing an endpoint or DTO)', async () => {
    const committed = readFileSync(join(__dirname, '../../../openapi/openapi.json'), 'utf8');
    expect(await writeOpenApiDocument(testConfig())).toBe(committed);
  });
});

describe('startServer', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('listens, serves requests, and closes cleanly', async () => {
    const port = await freePort();
    const server = await startServer(testConfig({ PORT: String(port), HOST: '127.0.0.1' }, db.url));
    try {
      expect(server.url).toBe(`http://localhost:${port}`);
      expect(server.database.embedded).toBe(false);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health/ready`);
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/api/v1/health/live`)).rejects.toThrow();
  });

  it('refuses to start when the port is taken, and says so', async () => {
    const port = await freePort();
    const first = await startServer(testConfig({ PORT: String(port), HOST: '127.0.0.1' }, db.url));
    try {
      await expect(startServer(testConfig({ PORT: String(port), HOST: '127.0.0.1' }, db.url))).rejects.toThrow(
        /EADDRINUSE/,
      );
    } finally {
      await first.close();
    }
  });
});

describe('schema', () => {
  it('the migrations produce exactly the schema the entities describe (no drift)', async () => {
    const t = await createTestApp({ root: (o) => AppModule.forRoot(o) });
    try {
      const pending = await t.app.get(DataSource).driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
