import { Module, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '@mph/api-core';
import { Gauge } from 'prom-client';
import { AuditModule, AuthModule, ProjectAccessModule, StreamTicketsModule } from '@mph/api-auth';
import { CatalogModule } from '@mph/api-catalog';
import { CostTrackingModule } from '@mph/api-cost-tracking';
import { ChatController, ChatStreamController } from './chat/chat.controller';
import { ProjectMembersController } from './chat/project-members.controller';
import { ChatModelsService } from './chat/chat-models.service';
import { GatewayFastPath } from './gateway/gateway-fast-path';
import { GatewayAdmission } from './gateway/gateway-admission';
import { CallPricing } from './gateway/call-pricing.service';
import { CallRecorder } from './gateway/call-recorder.service';
import { UpstreamAttempts } from './gateway/upstream-attempts.service';
import { ChatStreamService } from './chat/chat-stream.service';
import { ChatService } from './chat/chat.service';
import { LimitsController } from './limits/limits.controller';
import { RateLimitsService } from './limits/rate-limits.service';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsService } from './connections/connections.service';
import { LocalProviderSeed } from './connections/local-provider.seed';
import { GatewayController } from './gateway/gateway.controller';
import { GatewayService } from './gateway/gateway.service';
import { UsageRecorder } from './gateway/usage-recorder.service';

/**
 * Chat and the LLM gateway: provider connections (sealed keys, failover order, circuit breakers), the built-in local
 * provider, calls with retries and failover priced and recorded through cost tracking, and the OpenAI-compatible /v1.
 */
@Module({
  imports: [AuditModule, AuthModule, CatalogModule, CostTrackingModule, StreamTicketsModule, ProjectAccessModule],
  controllers: [
    ConnectionsController,
    GatewayController,
    ChatController,
    ChatStreamController,
    LimitsController,
    ProjectMembersController,
  ],
  providers: [
    LocalProviderSeed,
    ConnectionsService,
    GatewayService,
    UsageRecorder,
    ChatService,
    ChatStreamService,
    ChatModelsService,
    GatewayAdmission,
    CallPricing,
    CallRecorder,
    UpstreamAttempts,
    GatewayFastPath,
    RateLimitsService,
  ],
  exports: [ConnectionsService, GatewayService, UsageRecorder, ChatService, ChatStreamService],
})
export class ChatModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly connections: ConnectionsService,
    private readonly recorder: UsageRecorder,
  ) {}

  /** Breaker state per connection and usage events not yet written, at every /metrics scrape. */
  onModuleInit(): void {
    const connections = this.connections;
    const recorder = this.recorder;
    new Gauge({
      name: 'gateway_circuit_state',
      help:
        "Circuit breaker per shared provider connection: 0 closed, 1 half-open, 2 open; members' own connections " +
        'as one series, connection="private", at the worst state among them.',
      labelNames: ['connection'] as const,
      registers: [this.metrics.registry],
      collect() {
        this.reset();
        let worst: number | null = null;
        for (const b of connections.breakerStates()) {
          // A member's connection id is theirs: it is not published, only counted in the "private" series.
          if (b.shared) this.set({ connection: b.id }, b.level);
          else worst = Math.max(worst ?? 0, b.level);
        }
        if (worst !== null) this.set({ connection: 'private' }, worst);
      },
    });
    new Gauge({
      name: 'gateway_usage_events_pending',
      help: 'Gateway usage events queued or being written.',
      registers: [this.metrics.registry],
      collect() {
        this.set(recorder.pending);
      },
    });
  }
}
