import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Set by the jest global setup: a server where tests may create and drop databases. */
export const TEST_SERVER_URL_VAR = 'MPH_TEST_SERVER_URL';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  const url = process.env[TEST_SERVER_URL_VAR];
  if (!url)
    throw new Error(`${TEST_SERVER_URL_VAR} is not set: run tests through jest (its global setup starts PostgreSQL).`);
  return url;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the test server, for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `mph_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: withDatabase(testServerUrl(), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
