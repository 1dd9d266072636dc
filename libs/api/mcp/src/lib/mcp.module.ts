import { Module } from '@nestjs/common';
import { CatalogModule } from '@mph/api-catalog';
import { CostTrackingModule } from '@mph/api-cost-tracking';
import { PricingModule } from '@mph/api-pricing';
import { ProvenanceModule } from '@mph/api-provenance';
import { McpController } from './mcp.controller';
import { McpToolsService } from './mcp-tools.service';

/** Interfaces for agents: the MCP server (Streamable HTTP at /mcp here; stdio from the CLI). */
@Module({
  imports: [CatalogModule, PricingModule, ProvenanceModule, CostTrackingModule],
  controllers: [McpController],
  providers: [McpToolsService],
  exports: [McpToolsService],
})
export class McpModule {}
