import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@mph/api-auth';
import { CatalogModule } from '@mph/api-catalog';
import { ChatModule } from '@mph/api-chat';
import { CoreModule, CoreModuleOptions } from '@mph/api-core';
import { CostTrackingModule } from '@mph/api-cost-tracking';
import { McpModule } from '@mph/api-mcp';
import { PricingModule } from '@mph/api-pricing';
import { ProvenanceModule } from '@mph/api-provenance';

/** The whole API: core plus every domain module. The HTTP server and the CLI both build it. */
@Module({})
export class AppModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options),
        // First among the domains: Express matches routes in registration order, and the gateway's /v1 routes are
        // the hot path (each route ahead of them is one more path test per call).
        ChatModule,
        AuthModule,
        CatalogModule,
        ProvenanceModule,
        PricingModule,
        CostTrackingModule,
        McpModule,
      ],
    };
  }
}
