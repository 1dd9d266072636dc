import { Module } from '@nestjs/common';
import { AuditModule } from '@mph/api-auth';
import { CatalogModule } from '@mph/api-catalog';
import { CostTrackingModule } from '@mph/api-cost-tracking';
import { ChatController, ChatStreamController } from './chat/chat.controller';
import { ChatStreamService } from './chat/chat-stream.service';
import { ChatService } from './chat/chat.service';
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
  controllers: [ConnectionsController, GatewayController, ChatController, ChatStreamController],
  providers: [ConnectionsService, GatewayService, UsageRecorder, ChatService, ChatStreamService],
  exports: [ConnectionsService, GatewayService, UsageRecorder, ChatService, ChatStreamService],
})
export class ChatModule {}
