import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AcceptApiKeyScopes, APP_VERSION, Authenticated } from '@mph/api-core';
import type { Request, Response } from 'express';
import { createMcpServer, streamableHttpTransport } from './mcp-lazy';
import { McpToolsService } from './mcp-tools.service';

/**
 * The MCP server over Streamable HTTP at `/mcp`, stateless (each POST carries whole JSON-RPC messages and gets JSON
 * back; no session to keep between instances), for API keys with catalog:read (its tools read the catalog and
 * prices only) or signed-in users. Rate-limited, authenticated and logged like every REST route (it goes through the
 * same guards). Documented in the README: its contract is the MCP specification, not our OpenAPI document.
 */
@ApiExcludeController()
@Authenticated()
@AcceptApiKeyScopes('catalog:read')
@Controller('mcp')
export class McpController {
  constructor(
    private readonly tools: McpToolsService,
    @Inject(APP_VERSION) private readonly version: string,
  ) {}

  @Post()
  @HttpCode(200)
  async handle(@Req() req: Request, @Res() res: Response): Promise<void> {
    const server = createMcpServer(this.tools, this.version);
    const { StreamableHTTPServerTransport } = streamableHttpTransport();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  /** No server-initiated stream and no sessions in stateless mode: GET and DELETE are not offered. */
  @Get()
  notStreaming(@Res() res: Response): void {
    methodNotAllowed(res);
  }

  @Delete()
  noSessions(@Res() res: Response): void {
    methodNotAllowed(res);
  }
}

function methodNotAllowed(res: Response): void {
  res
    .status(405)
    .set('Allow', 'POST')
    .json({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Method not allowed: POST JSON-RPC messages to /mcp.' },
      id: null,
    });
}
