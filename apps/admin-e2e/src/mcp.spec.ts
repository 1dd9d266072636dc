import { expect, test } from '@playwright/test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { join } from 'node:path';
import { cliEnv, root } from './cli-env';

test('the MCP server over stdio (`mph mcp`, the built CLI) answers as the REST API does', async ({ request }) => {
  // The built CLI, launched as a desktop agent would, on the e2e server's database.
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(root, 'dist/apps/api/cli.js'), 'mcp'],
    cwd: root,
    env: cliEnv(),
    stderr: 'pipe',
  });
  const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('cheapest_offering');
    const result = (await client.callTool({
      name: 'search_models',
      arguments: { query: 'gpt', limit: 5 },
    })) as CallToolResult;
    const viaMcp = JSON.parse((result.content[0] as { text: string }).text);
    const viaRest = await (await request.get('/api/v1/models?q=gpt&per_page=5')).json();
    expect(viaMcp.models.map((m: { id: string }) => m.id)).toEqual(viaRest.data.map((m: { id: string }) => m.id));
    const missing = (await client.callTool({ name: 'get_model', arguments: { id: 'nobody/none' } })) as CallToolResult;
    expect(missing.isError).toBe(true);
    const card = await client.readResource({ uri: 'model://openai/gpt-4o-mini' });
    expect(JSON.parse((card.contents[0] as { text: string }).text).id).toBe('openai/gpt-4o-mini');
  } finally {
    await client.close();
  }
});
