import { Module } from '@nestjs/common';
import { AuditModule } from '@mph/api-auth';
import { CatalogModule } from '@mph/api-catalog';
import { CostTrackingModule } from '@mph/api-cost-tracking';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsService } from './connections/connections.service';
import { GatewayController } from './gateway/gateway.controller';
import { GatewayService } from './gateway/gateway.service';
import { UsageRecorder } from './gateway/usage-recorder.service';

/**
 * Chat and the LLM gateway: provider connections (sealed keys, failover order, circuit breakers), the built-in local
 * provider, calls with retries and failover priced and recorded through cost tracking, and the OpenAI-compatible /v1.
 */
@Module({
  imports: [AuditModule, CatalogModule, CostTrackingModule],
  controllers: [ConnectionsController, GatewayController],
  providers: [ConnectionsService, GatewayService, UsageRecorder],
  exports: [ConnectionsService, GatewayService, UsageRecorder],
})
export class ChatModule {}
