import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer, McpToolsService } from '@mph/api-mcp';
import { APP_VERSION_STRING } from '../../app/version';
import { withAppContext } from '../context';

import type { CommandContext } from './command-context';

export function registerMcp({ program, config }: CommandContext): void {
  program
    .command('mcp')
    .description(
      'Serve the MCP server (read-only tools over the catalog, prices, costs and lineage) over stdio, for desktop ' +
        'agents to launch. Logs stay off stdout; stop with Ctrl-C or by closing stdin.',
    )
    .action(async () => {
      await withAppContext(
        config(),
        async (ctx) => {
          const server = createMcpServer(ctx.get(McpToolsService), APP_VERSION_STRING);
          const transport = new StdioServerTransport();
          const closed = new Promise<void>((resolve) => {
            transport.onclose = resolve;
            process.stdin.once('end', resolve);
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await server.connect(transport);
          await closed;
          await server.close();
        },
        { quiet: true },
      );
    });
}
