import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpToolsService } from './mcp-tools.service';

/**
 * The MCP server, loaded on first use: the SDK and its schema library take ~10 MB of heap that an API serving no MCP
 * client should not hold (the idle RSS goal).
 */
export function createMcpServer(tools: McpToolsService, version: string): McpServer {
  const { createMcpServer: create } = require('./mcp-server') as typeof import('./mcp-server');
  return create(tools, version);
}

/** The SDK's Streamable HTTP transport, loaded on first use like the server. */
export function streamableHttpTransport(): typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js') {
  return require('@modelcontextprotocol/sdk/server/streamableHttp.js');
}
