import { query } from '../database/query';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, APP_VERSION, DATABASE_EMBEDDED } from '../config/config.tokens';
import type { DatabaseStatusDto, StatusDto } from './health.dto';

const PROBE_TIMEOUT_MS = 1500;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService {
  private readonly startedAt = new Date();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_VERSION) private readonly version: string,
    @Inject(DATABASE_EMBEDDED) private readonly embedded: boolean,
  ) {}

  async database(): Promise<DatabaseStatusDto> {
    const t0 = performance.now();
    try {
      const rows: { server_version: string }[] = await withTimeout(
        query<{ server_version: string }>(this.dataSource, 'SHOW server_version'),
        PROBE_TIMEOUT_MS,
      );
      const latency = Math.round((performance.now() - t0) * 10) / 10;
      // Only the major version: the exact build ("15.19 (Debian 15.19-0+deb12u1)") tells an anonymous caller which
      // patches the host lacks.
      const major = /^\d+/.exec(rows[0]?.server_version ?? '')?.[0] ?? 'unknown';
      return {
        status: 'up',
        version: `PostgreSQL ${major}`,
        latency_ms: latency,
        embedded: this.embedded,
      };
    } catch (error) {
      // The driver's message can name internal hosts and ports: the status page says only what kind of failure it is.
      const message = error instanceof Error ? error.message : String(error);
      return {
        status: 'down',
        embedded: this.embedded,
        error: /no answer within/.test(message) ? message : 'the database does not answer (see the server log)',
      };
    }
  }

  async status(): Promise<StatusDto> {
    const database = await this.database();
    return {
      status: database.status === 'up' ? 'ok' : 'degraded',
      version: this.version,
      environment: this.config.env,
      started_at: this.startedAt.toISOString(),
      uptime_seconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      database,
    };
  }
}
