import { Logger } from '@nestjs/common';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DomainError } from '@mph/api-core';
import { z } from 'zod';
import { McpToolsService } from './mcp-tools.service';

const log = new Logger('Mcp');

/** A tool's answer as JSON text (agents read it; structured clients parse it), or a tool error with a clear text. */
async function answer(work: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    const result = await work();
    return { content: [{ type: 'text', text: JSON.stringify(result) }] };
  } catch (e) {
    if (e instanceof DomainError) return { isError: true, content: [{ type: 'text', text: e.message }] };
    log.error({ err: e }, 'MCP tool failed');
    return { isError: true, content: [{ type: 'text', text: 'The tool failed unexpectedly; try again later.' }] };
  }
}

const modelId = z.string().min(1).max(300).describe('A model id as the catalog names it, e.g. "openai/gpt-4o-mini".');
const decimal = z.string().regex(/^\d{1,12}(\.\d{1,18})?$/, 'a decimal string such as "0.5"');
const tokens = z.number().int().min(0).max(1_000_000_000);

/**
 * The Model Price Hub MCP server: read-only tools over the catalog, prices, the cost engine and lineage, and model
 * cards as `model://{id}` resources. One instance serves one request (stateless Streamable HTTP) or one stdio session.
 */
export function createMcpServer(tools: McpToolsService, version: string): McpServer {
  const server = new McpServer({ name: 'model-price-hub', version });

  server.registerTool(
    'search_models',
    {
      title: 'Search models',
      description:
        'Search the model catalog (commercial and open-weights) by text and filters; compact results, most relevant first. ' +
        'Prices are USD per 1M tokens.',
      inputSchema: {
        query: z.string().max(200).optional().describe('Words to look for in ids, names and descriptions.'),
        author: z.string().max(100).optional(),
        provider: z.string().max(100).optional().describe('Only models a provider serves, e.g. "openai", "together".'),
        pipeline_tag: z.string().max(100).optional().describe('e.g. "text-generation".'),
        license: z.string().max(100).optional(),
        tool_calling: z.boolean().optional(),
        reasoning: z.boolean().optional(),
        vision: z.boolean().optional(),
        open_weights: z.boolean().optional(),
        min_context: z.number().int().min(1).max(100_000_000).optional().describe('Minimum context window (tokens).'),
        max_input_price: decimal.optional().describe('Maximum input price, USD per 1M tokens.'),
        max_output_price: decimal.optional().describe('Maximum output price, USD per 1M tokens.'),
        base_model: modelId.optional().describe('Only models derived from this one.'),
        limit: z.number().int().min(1).max(50).optional().describe('How many (default 10, at most 50).'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) => answer(() => tools.searchModels(args)),
  );

  server.registerTool(
    'get_model',
    {
      title: 'Get a model',
      description: 'A model’s capabilities, its offerings with current prices (per 1M tokens) and a lineage summary.',
      inputSchema: { id: modelId },
      annotations: { readOnlyHint: true },
    },
    ({ id }) => answer(() => tools.getModel(id)),
  );

  server.registerTool(
    'get_prices',
    {
      title: 'Get prices',
      description:
        'Prices in force for a model (every live offering, cheapest first) or one offering, now or at an instant; ' +
        'with history: true, every price version too.',
      inputSchema: {
        model: modelId.optional(),
        offering_id: z.string().uuid().optional(),
        at: z.string().datetime({ offset: true }).optional().describe('ISO 8601 instant (default now).'),
        history: z.boolean().optional(),
      },
      annotations: { readOnlyHint: true },
    },
    (args) => answer(() => tools.getPrices(args)),
  );

  server.registerTool(
    'estimate_cost',
    {
      title: 'Estimate cost',
      description:
        'The cost of a call on every offering of a model, cheapest first, with a per-unit breakdown (decimal strings). ' +
        'Give token counts, or paste a provider response body (OpenAI, Anthropic, Gemini, … ) with its provider.',
      inputSchema: {
        model: modelId,
        input_tokens: tokens.optional().describe('All prompt tokens (cached ones included).'),
        output_tokens: tokens.optional().describe('All output tokens (reasoning included).'),
        cache_read_tokens: tokens.optional().describe('Prompt tokens read from the cache (part of input_tokens).'),
        response: z.record(z.string(), z.unknown()).optional().describe('A provider response body to read usage from.'),
        provider: z.string().max(100).optional().describe('Whose response it is, e.g. "openai", "anthropic".'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) => answer(() => tools.estimateCost(args)),
  );

  server.registerTool(
    'compare_models',
    {
      title: 'Compare models',
      description: 'Two to six models side by side: capabilities, offerings with prices, lineage.',
      inputSchema: { ids: z.array(modelId).min(2).max(6) },
      annotations: { readOnlyHint: true },
    },
    ({ ids }) => answer(() => tools.compareModels(ids)),
  );

  server.registerTool(
    'model_lineage',
    {
      title: 'Model lineage',
      description:
        'Where a model comes from and what was made from it: ancestors up to the roots and derivatives, with ' +
        'relations (finetune, adapter, quantized, merge).',
      inputSchema: {
        model: modelId,
        direction: z.enum(['ancestors', 'derivatives', 'both']).optional(),
        depth: z.number().int().min(1).max(5).optional().describe('Derivative levels (default 1).'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) => answer(() => tools.modelLineage(args)),
  );

  server.registerTool(
    'cheapest_offering',
    {
      title: 'Cheapest offering',
      description:
        'The cheapest way to run a token mix on a model, or on the model and its finetunes/quantizations ' +
        '(include_derivatives), honouring a minimum context window and tool support.',
      inputSchema: {
        model: modelId,
        input_tokens: tokens,
        output_tokens: tokens,
        include_derivatives: z.boolean().optional(),
        min_context: z.number().int().min(1).max(100_000_000).optional(),
        tool_calling: z.boolean().optional(),
        limit: z.number().int().min(1).max(50).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    (args) => answer(() => tools.cheapestOffering(args)),
  );

  server.registerResource(
    'model-card',
    new ResourceTemplate('model://{+id}', { list: undefined }),
    {
      title: 'Model card',
      description: 'A model’s card: capabilities, prices, lineage (JSON).',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const id = decodeURIComponent(String(variables['id']));
      try {
        const card = await tools.modelCard(id);
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(card, null, 2) }] };
      } catch (e) {
        if (e instanceof DomainError) throw new Error(e.message);
        throw e;
      }
    },
  );
  return server;
}
