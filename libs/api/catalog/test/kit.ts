import { Module } from '@nestjs/common';
import { CoreModule, RawEnv } from '@mph/api-core';
import { createTestApp, TestApp, TestDatabase } from '@mph/api-core/testing';
import request from 'supertest';
import { CatalogModule } from '../src';

@Module({})
class CatalogTestRoot {}

export function catalogApp(options: { env?: RawEnv; database?: TestDatabase } = {}): Promise<TestApp> {
  return createTestApp({
    ...options,
    root: (o) => ({ module: CatalogTestRoot, imports: [CoreModule.forRoot(o), CatalogModule] }),
  });
}

export const http = (t: TestApp) => request(t.app.getHttpServer());
