export * from './lib/mcp.module';
export { McpToolsService } from './lib/mcp-tools.service';
export { createMcpServer } from './lib/mcp-lazy';
