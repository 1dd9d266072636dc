import { calculateCost } from './calculate';
import { ExtractionError, extractUsage } from './extract';

// Response bodies in the providers' documented shapes (trimmed to what matters for usage).
const openaiChat = {
  id: 'chatcmpl-abc',
  object: 'chat.completion',
  model: 'o3-2025-04-16',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: 2006,
    completion_tokens: 300,
    total_tokens: 2306,
    prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 256,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
};

const openaiStream = [
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hel"}}],"usage":null}',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}',
  'data: [DONE]',
  '',
].join('\n\n');

const openaiResponses = {
  id: 'resp_1',
  object: 'response',
  model: 'o3-2025-04-16',
  status: 'completed',
  usage: {
    input_tokens: 328,
    input_tokens_details: { cached_tokens: 128 },
    output_tokens: 52,
    output_tokens_details: { reasoning_tokens: 20 },
    total_tokens: 380,
  },
};

const responsesStream = [
  { type: 'response.created', response: { id: 'resp_2', object: 'response', model: 'gpt-4.1', usage: null } },
  { type: 'response.output_text.delta', delta: 'Hi' },
  {
    type: 'response.completed',
    response: {
      id: 'resp_2',
      object: 'response',
      model: 'gpt-4.1',
      usage: {
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 0 },
      },
    },
  },
];

const anthropicMessage = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hi' }],
  stop_reason: 'end_turn',
  usage: {
    input_tokens: 10_000,
    cache_creation_input_tokens: 10_000,
    cache_read_input_tokens: 80_000,
    cache_creation: { ephemeral_5m_input_tokens: 10_000, ephemeral_1h_input_tokens: 0 },
    output_tokens: 1000,
    service_tier: 'standard',
  },
};

const anthropicStream = [
  {
    type: 'message_start',
    message: {
      id: 'msg_02',
      type: 'message',
      model: 'claude-haiku-4-5',
      usage: {
        input_tokens: 472,
        cache_creation_input_tokens: 2000,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 2000 },
        output_tokens: 2,
      },
    },
  },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
  {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn' },
    usage: { output_tokens: 89, server_tool_use: { web_search_requests: 1 } },
  },
  { type: 'message_stop' },
];

const gemini = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }],
  usageMetadata: {
    promptTokenCount: 250_000,
    cachedContentTokenCount: 50_000,
    candidatesTokenCount: 1200,
    thoughtsTokenCount: 800,
    totalTokenCount: 252_000,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 250_000 }],
  },
  modelVersion: 'gemini-2.5-pro',
};

const geminiStream = [
  {
    candidates: [{ content: { parts: [{ text: 'Hel' }] } }],
    usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
    modelVersion: 'gemini-2.5-flash',
  },
  {
    candidates: [{ content: { parts: [{ text: 'lo' }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 40, thoughtsTokenCount: 25, totalTokenCount: 77 },
    modelVersion: 'gemini-2.5-flash',
  },
];

const xai = {
  id: 'x1',
  object: 'chat.completion',
  model: 'grok-4',
  usage: {
    prompt_tokens: 199,
    completion_tokens: 1,
    total_tokens: 467,
    prompt_tokens_details: { text_tokens: 199, audio_tokens: 0, image_tokens: 0, cached_tokens: 163 },
    completion_tokens_details: { reasoning_tokens: 267, audio_tokens: 0 },
  },
};

const openrouter = {
  id: 'gen-1',
  model: 'anthropic/claude-sonnet-4.5',
  object: 'chat.completion',
  usage: {
    prompt_tokens: 1200,
    completion_tokens: 300,
    total_tokens: 1500,
    prompt_tokens_details: { cached_tokens: 1000 },
    completion_tokens_details: { reasoning_tokens: 100 },
    cost: 0.00825,
  },
};

describe('extractUsage', () => {
  it.each([
    // [provider, body, flavor, usage]
    [
      'openai',
      openaiChat,
      'openai-chat',
      { input_tokens: 2006, cache_read_tokens: 1920, output_tokens: 300, output_reasoning_tokens: 256 },
    ],
    ['openai', openaiStream, 'openai-chat', { input_tokens: 19, output_tokens: 10 }],
    [
      'openai',
      openaiResponses,
      'openai-responses',
      { input_tokens: 328, cache_read_tokens: 128, output_tokens: 52, output_reasoning_tokens: 20 },
    ],
    ['openai', responsesStream, 'openai-responses', { input_tokens: 100, output_tokens: 7 }],
    [
      'anthropic',
      anthropicMessage,
      'anthropic',
      {
        input_tokens: 100_000,
        cache_read_tokens: 80_000,
        cache_write_tokens: 10_000,
        cache_write_5m_tokens: 10_000,
        output_tokens: 1000,
      },
    ],
    [
      'anthropic',
      anthropicStream,
      'anthropic',
      { input_tokens: 2472, cache_write_tokens: 2000, cache_write_1h_tokens: 2000, output_tokens: 89, web_searches: 1 },
    ],
    [
      'google',
      gemini,
      'gemini',
      {
        input_tokens: 250_000,
        input_text_tokens: 250_000,
        cache_read_tokens: 50_000,
        output_tokens: 2000,
        output_reasoning_tokens: 800,
      },
    ],
    ['gemini', geminiStream, 'gemini', { input_tokens: 12, output_tokens: 65, output_reasoning_tokens: 25 }],
    [
      'xai',
      xai,
      'xai',
      { input_tokens: 199, cache_read_tokens: 163, output_tokens: 268, output_reasoning_tokens: 267 },
    ],
    [
      'openrouter',
      openrouter,
      'openrouter',
      { input_tokens: 1200, cache_read_tokens: 1000, output_tokens: 300, output_reasoning_tokens: 100 },
    ],
    [
      'together',
      { model: 'meta-llama/x', usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } },
      'openai-chat',
      { input_tokens: 5, output_tokens: 7 },
    ],
  ])('%s (%#): normalizes to one convention', (provider, body, flavor, usage) => {
    const r = extractUsage(provider as string, body);
    expect(r.flavor).toBe(flavor);
    expect(r.usage).toEqual(usage);
  });

  it('names the model when the response does', () => {
    expect(extractUsage('openai', openaiChat).model).toBe('o3-2025-04-16');
    expect(extractUsage('anthropic', anthropicStream).model).toBe('claude-haiku-4-5');
    expect(extractUsage('google', gemini).model).toBe('gemini-2.5-pro');
  });

  it('prices an Anthropic response the way Anthropic bills it ($0.1065 for the README case)', () => {
    const { usage } = extractUsage('anthropic', anthropicMessage);
    const price = {
      currency: 'USD',
      components: [
        { unit: 'input', amount: '3' },
        { unit: 'output', amount: '15' },
        { unit: 'cache_read', amount: '0.3' },
        { unit: 'cache_write', amount: '3.75' },
      ],
    };
    expect(calculateCost(usage, price, new Date()).total).toBe('0.1065');
  });

  it('reads raw SSE text and JSON text', () => {
    expect(extractUsage('openai', JSON.stringify(openaiChat)).usage.input_tokens).toBe(2006);
    expect(extractUsage(undefined, openaiStream).flavor).toBe('openai-chat');
  });

  it('explains unknown shapes and streams without usage', () => {
    expect(() => extractUsage('acme', { result: 'ok' })).toThrow(ExtractionError);
    expect(() => extractUsage('acme', { result: 'ok' })).toThrow(/Unknown response shape/);
    expect(() =>
      extractUsage('openai', 'data: {"object":"chat.completion.chunk","choices":[]}\n\ndata: [DONE]'),
    ).toThrow(/include_usage/);
    expect(() => extractUsage('openai', 'not json at all')).toThrow(/No JSON body/);
    expect(() => extractUsage('openai', '{broken')).toThrow(/not valid JSON/);
    expect(() => extractUsage('openai', 42)).toThrow(/JSON object/);
    // A provider's own figures are kept as reported; pricing them is what refuses parts larger than totals.
    expect(
      extractUsage('openai', {
        usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 20 } },
      }).usage,
    ).toEqual({ input_tokens: 10, cache_read_tokens: 20, output_tokens: 5 });
  });

  it('reads OpenTelemetry GenAI spans, the Vercel AI SDK and LangChain as other apps report them', () => {
    const span = {
      attributes: [
        { key: 'gen_ai.request.model', value: { stringValue: 'claude-sonnet-4-5' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: { low: 100_000, high: 0 } } },
        { key: 'gen_ai.usage.cache_read.input_tokens', value: { intValue: '80000' } },
        { key: 'gen_ai.usage.cache_read_input_tokens', value: { intValue: 1 } },
        { key: 'gen_ai.usage.cache_creation.input_tokens', value: { intValue: 10_000 } },
        { key: 'gen_ai.usage.output_tokens', value: { stringValue: '1000' } },
      ],
    };
    // The dotted spelling wins over the flat one; 64-bit ints as {low, high}, strings and numbers all read.
    expect(extractUsage(undefined, span)).toEqual({
      usage: { input_tokens: 100_000, cache_read_tokens: 80_000, cache_write_tokens: 10_000, output_tokens: 1000 },
      flavor: 'otel',
      model: 'claude-sonnet-4-5',
    });
    expect(
      extractUsage(undefined, { 'llm.token_count.completion_details.reasoning': 60, 'llm.token_count.completion': 50 })
        .usage,
    ).toEqual({
      output_tokens: 60,
      output_reasoning_tokens: 60,
    });
    const v6 = {
      type: 'finish',
      usage: {
        inputTokens: { total: 1100, cacheRead: 800, cacheWrite: 100 },
        outputTokens: { total: 50, reasoning: 0 },
      },
    };
    const v5 = {
      type: 'finish',
      usage: { inputTokens: 1100, outputTokens: 50, cachedInputTokens: 800, cacheCreationInputTokens: 100 },
    };
    const expected = { input_tokens: 1100, cache_read_tokens: 800, cache_write_tokens: 100, output_tokens: 50 };
    expect(extractUsage(undefined, v6)).toMatchObject({ usage: expected, flavor: 'ai-sdk' });
    expect(extractUsage(undefined, v5)).toMatchObject({ usage: expected, flavor: 'ai-sdk' });
    expect(
      extractUsage(undefined, {
        usage: {
          input_tokens: 13,
          output_tokens: 1,
          input_token_details: { audio: 0, cache_read: 3 },
          output_token_details: { reasoning: 0 },
        },
      }),
    ).toMatchObject({ usage: { input_tokens: 13, cache_read_tokens: 3, output_tokens: 1 }, flavor: 'langchain' });
  });
});
