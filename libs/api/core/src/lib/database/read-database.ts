import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { dataSourceOptions } from './data-source-options';

/**
 * Where the heaviest public reads run (catalog search, the price list, the price changes feed): a read replica when
 * DATABASE_READ_URL is set, the primary otherwise. The caller says whether the replica may answer: only for anonymous
 * readers. Signed-in callers (operators reading back their own edits, apps with keys) and anything used to decide a
 * write read the primary, so nobody sees a lagging copy of what they just wrote.
 */
@Injectable()
export class ReadDatabase implements OnModuleDestroy {
  private readonly log = new Logger('Database');
  private replicaSource?: DataSource;
  private connecting?: Promise<DataSource>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly primary: DataSource,
  ) {}

  /** True when reads go to a replica. */
  get replica(): boolean {
    return !!this.config.database.readUrl;
  }

  /** The replica when `replica` is true and one is configured, the primary otherwise. */
  on(replica: boolean): { query<T = unknown>(sql: string, params?: unknown[]): Promise<T> } {
    return {
      query: async <T>(sql: string, params: unknown[] = []) =>
        (await this.source(replica)).query(sql, params) as Promise<T>,
    };
  }

  private source(replica: boolean): Promise<DataSource> {
    const url = this.config.database.readUrl;
    if (!url || !replica) return Promise.resolve(this.primary);
    if (this.replicaSource?.isInitialized) return Promise.resolve(this.replicaSource);
    // Connected on first use, so an unreachable replica fails these reads with 503 (as the primary would), not the
    // start of the whole API; the next read tries again.
    this.connecting ??= new DataSource({
      ...(dataSourceOptions(this.config, url) as PostgresDataSourceOptions),
      migrations: [],
      entities: [],
      applicationName: 'model-price-hub-read',
    })
      .initialize()
      .then((source) => {
        this.replicaSource = source;
        this.log.log('Public searches and price lists read from DATABASE_READ_URL.');
        return source;
      })
      .finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async onModuleDestroy(): Promise<void> {
    const source = this.replicaSource ?? (await this.connecting?.catch(() => undefined));
    if (source?.isInitialized) await source.destroy();
  }
}
