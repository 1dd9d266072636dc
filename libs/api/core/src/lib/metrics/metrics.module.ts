import { DynamicModule, Global, Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Global()
@Module({})
export class MetricsModule implements OnModuleInit {
  static forRoot(options: { endpoint: boolean }): DynamicModule {
    return {
      module: MetricsModule,
      controllers: options.endpoint ? [MetricsController] : [],
      providers: [MetricsService],
      exports: [MetricsService],
    };
  }

  constructor(
    private readonly metrics: MetricsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.metrics.watchPool(this.dataSource);
  }
}
