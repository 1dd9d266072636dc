import { Module } from '@nestjs/common';
import { CoreModule, RawEnv } from '@mph/api-core';
import { createTestApp, TestApp, TestDatabase } from '@mph/api-core/testing';
import request from 'supertest';
import { CatalogModule, SearchIndexService } from '../src';

@Module({})
class CatalogTestRoot {}

/**
 * The catalog alone on a fresh database. Text searches are answered by the in-process index (SEARCH_ENGINE=memory,
 * the default) once it has loaded: the app is handed over after that, so the tests exercise it (pass
 * SEARCH_ENGINE=postgres for the SQL search).
 */
export async function catalogApp(options: { env?: RawEnv; database?: TestDatabase } = {}): Promise<TestApp> {
  const t = await createTestApp({
    ...options,
    root: (o) => ({ module: CatalogTestRoot, imports: [CoreModule.forRoot(o), CatalogModule] }),
  });
  await t.app.get(SearchIndexService).ready();
  return t;
}

export const http = (t: TestApp) => request(t.app.getHttpServer());
