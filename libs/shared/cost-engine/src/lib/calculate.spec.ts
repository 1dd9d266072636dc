import { calculateCost, convert, display, PriceInput, UnknownPriceError, versionAt } from './calculate';
import {
  CONVENTION_CACHE_WRITE_UNSTATED_TTL,
  CONVENTION_INPUT_EXCLUDES_CACHE,
  CONVENTION_OUTPUT_EXCLUDES_REASONING,
  readUsage,
  Usage,
  USAGE_KEYS,
  UsageError,
} from './usage';

const c = (unit: string, amount: string, extra: Record<string, unknown> = {}) => ({ unit, amount, ...extra });
const usd = (...components: ReturnType<typeof c>[]): PriceInput => ({ currency: 'USD', components });
const now = new Date('2026-01-01T12:00:00Z');

// Gemini 2.5 Pro: $1.25 in / $10 out, $2.50 / $15 when the whole prompt is strictly above 200k tokens.
const gemini = usd(
  c('input', '1.25'),
  c('output', '10'),
  c('cache_read', '0.125'),
  c('input', '2.5', { prompt_tokens_above: 200000 }),
  c('output', '15', { prompt_tokens_above: 200000 }),
  c('cache_read', '0.25', { prompt_tokens_above: 200000 }),
);
// Claude Sonnet 4.5: $3 in, $0.30 cache read, $3.75 cache write (5 min), $6 (1 h), $15 out.
const sonnet = usd(
  c('input', '3'),
  c('output', '15'),
  c('cache_read', '0.3'),
  c('cache_write', '3.75'),
  c('cache_write_1h', '6'),
);

describe('calculateCost: the cases in ../shared/data/README.md', () => {
  it.each([
    ['150k in + 2k out', '0.2075', { input_tokens: 150_000, output_tokens: 2000 }, 0],
    ['exactly 200k in + 2k out (base tier)', '0.27', { input_tokens: 200_000, output_tokens: 2000 }, 0],
    ['250k in + 2k out (both rates switch)', '0.655', { input_tokens: 250_000, output_tokens: 2000 }, 200000],
    [
      '210k of which 20k cached: tier by the whole prompt',
      '0.48',
      { input_tokens: 210_000, cache_read_tokens: 20_000, output_tokens: 0 },
      200000,
    ],
  ] as [string, string, Usage, number][])('Gemini 2.5 Pro, %s = $%s', (_what, total, usage, tier) => {
    const r = calculateCost(usage, gemini, now);
    expect([r.total, r.tier]).toEqual([total, tier]);
  });

  it('switches tiers call by call on the same price (rates are remembered per tier, not per first call)', () => {
    const totals = [250_000, 150_000, 200_001, 200_000].map(
      (input_tokens) => calculateCost({ input_tokens, output_tokens: 0 }, gemini, now).total,
    );
    expect(totals).toEqual(['0.625', '0.1875', '0.5000025', '0.25']);
  });

  it('Claude Sonnet 4.5: 10k uncached + 10k cache write + 80k cache read + 1k out = $0.1065', () => {
    const r = calculateCost(
      { input_tokens: 100_000, cache_write_5m_tokens: 10_000, cache_read_tokens: 80_000, output_tokens: 1000 },
      sonnet,
      now,
    );
    expect(r.total).toBe('0.1065');
    expect(r.breakdown).toEqual({ input: '0.03', output: '0.015', cache_read: '0.024', cache_write: '0.0375' });
  });
});

describe('calculateCost: parts, tiers, windows, items', () => {
  it('prices a part at its own rate, else its parent’s, never twice', () => {
    const withReasoning = usd(c('input', '2'), c('output', '8'), c('reasoning', '10'));
    expect(
      calculateCost(
        { input_tokens: 1_000_000, output_tokens: 1_000_000, output_reasoning_tokens: 400_000 },
        withReasoning,
        now,
      ).breakdown,
    ).toEqual({
      input: '2',
      output: '4.8',
      reasoning: '4',
    });
    const plain = usd(c('input', '2'), c('output', '8'));
    const r = calculateCost(
      { input_tokens: 1_000_000, output_tokens: 1_000_000, output_reasoning_tokens: 400_000 },
      plain,
      now,
    );
    expect(r.total).toBe('10');
    // Reasoning without a rate of its own is output: charged in the output line, once.
    expect(r.lines.find((l) => l.part === 'reasoning')).toBeUndefined();
    expect(r.lines.find((l) => l.part === 'output')).toMatchObject({ quantity: 1_000_000, amount: '8' });
    expect(r.output).toBe('8');
    expect(r.input).toBe('2');
  });

  it('falls back from 1-hour cache writes to 5-minute writes to input', () => {
    const r = calculateCost(
      { input_tokens: 2_000_000, cache_write_1h_tokens: 1_000_000 },
      usd(c('input', '3'), c('cache_write', '3.75')),
      now,
    );
    expect(r.breakdown).toEqual({ input: '3', cache_write: '3.75' });
    expect(calculateCost({ input_tokens: 1_000_000, cache_write_1h_tokens: 1_000_000 }, sonnet, now).total).toBe('6');
  });

  it('counts cached audio once, at the most specific rate', () => {
    const price = usd(c('input', '1'), c('input_audio', '10'), c('cache_read', '0.1'), c('cache_read_audio', '2'));
    const r = calculateCost(
      {
        input_tokens: 1_000_000,
        input_audio_tokens: 500_000,
        cache_read_tokens: 300_000,
        cache_audio_read_tokens: 200_000,
      },
      price,
      now,
    );
    // 400k plain input ($0.4) + 100k uncached-audio... audio 300k uncached ($3) + 100k cached text ($0.01) + 200k cached audio ($0.4)
    expect(r.breakdown).toEqual({ input: '0.4', input_audio: '3', cache_read: '0.01', cache_read_audio: '0.4' });
    expect(r.total).toBe('3.81');
  });

  // DeepSeek-style off-peak prices 16:30–00:30 UTC.
  const deepseek = usd(
    c('input', '0.55'),
    c('output', '2.19'),
    c('input', '0.135', { window_start: '16:30:00', window_end: '00:30:00' }),
    c('output', '0.55', { window_start: '16:30:00', window_end: '00:30:00' }),
  );
  it.each([
    ['2026-01-01T10:00:00Z', '2.74'],
    ['2026-01-01T20:00:00Z', '0.685'],
    ['2026-01-02T00:29:59Z', '0.685'],
    ['2026-01-02T00:30:00Z', '2.74'],
  ])('prices 1M in + 1M out at %s by the time-of-day window: $%s', (at, total) => {
    expect(calculateCost({ input_tokens: 1_000_000, output_tokens: 1_000_000 }, deepseek, new Date(at)).total).toBe(
      total,
    );
  });

  it('prices per-request, per-search and per-image items', () => {
    const price = usd(
      c('input', '1'),
      c('output', '1'),
      c('request', '0.01'),
      c('web_search', '0.01'),
      c('image_output', '0.04'),
    );
    const r = calculateCost(
      { input_tokens: 1000, output_tokens: 1000, requests: 3, web_searches: 2, images: 1 },
      price,
      now,
    );
    expect(r.breakdown).toEqual({
      input: '0.001',
      output: '0.001',
      request: '0.03',
      web_search: '0.02',
      image_output: '0.04',
    });
    expect(r.total).toBe('0.092');
  });

  it('keeps full precision down to nano-dollars, rounding only for display', () => {
    const r = calculateCost(
      { input_tokens: 1, output_tokens: 1 },
      usd(c('input', '0.005'), c('output', '0.000001')),
      now,
    );
    expect(r.total).toBe('0.000000005001');
    expect(display(r.total)).toBe('0.000000');
    expect(display('0.0000015', 6)).toBe('0.000002');
    expect(convert('0.1065', '0.92')).toBe('0.09798');
  });

  it('knows free models cost nothing and unknown prices are not free', () => {
    expect(
      calculateCost({ input_tokens: 5000, output_tokens: 5000 }, usd(c('input', '0'), c('output', '0')), now).total,
    ).toBe('0');
    expect(() => calculateCost({ input_tokens: 5000, output_tokens: 5000 }, usd(c('input', '1')), now)).toThrow(
      UnknownPriceError,
    );
    expect(() => calculateCost({ input_tokens: 10, requests: 1 }, usd(c('input', '1'), c('output', '1')), now)).toThrow(
      /request/,
    );
    // Nothing used of a missing unit: no error.
    expect(calculateCost({ input_tokens: 10 }, usd(c('input', '1')), now).total).toBe('0.00001');
  });

  it('carries the currency through', () => {
    expect(
      calculateCost({ input_tokens: 1_000_000 }, { currency: 'EUR', components: [c('input', '2')] }, now),
    ).toMatchObject({
      total: '2',
      currency: 'EUR',
    });
  });

  it('rejects usage whose parts do not fit', () => {
    expect(() => calculateCost({ input_tokens: 10, input_audio_tokens: 20 }, sonnet, now)).toThrow(UsageError);
    expect(() => calculateCost({ output_tokens: 10, output_audio_tokens: 20 }, sonnet, now)).toThrow(
      /reasoning included/,
    );
    expect(() => calculateCost({ input_tokens: -1 } as never, sonnet, now)).toThrow(/whole number/);
    expect(() => calculateCost({ input_tokens: 1.5 } as never, sonnet, now)).toThrow(/whole number/);
    expect(() => calculateCost({ prompt_tokens: 10 } as never, sonnet, now)).toThrow(
      /Unknown usage field "prompt_tokens"/,
    );
  });
});

describe('calculateCost: the unit registry (units.yml)', () => {
  const sonnet45 = usd(
    c('input', '3'),
    c('output', '15'),
    c('cache_read', '0.3'),
    c('cache_write', '3.75'),
    c('cache_write_1h', '6'),
  );

  it('takes cache_write_tokens as the total of its 5m/1h parts: no part counted twice', () => {
    // 10k uncached + 10k written (4k of them for 1 h) + 80k read + 1k out.
    const r = calculateCost(
      {
        input_tokens: 100_000,
        cache_read_tokens: 80_000,
        cache_write_tokens: 10_000,
        cache_write_1h_tokens: 4_000,
        cache_write_5m_tokens: 6_000,
        output_tokens: 1_000,
      },
      sonnet45,
      now,
    );
    expect(r.breakdown).toEqual({
      input: '0.03',
      cache_read: '0.024',
      cache_write: '0.0225',
      cache_write_1h: '0.024',
      output: '0.015',
    });
    expect(r.total).toBe('0.1155');
    expect(r.input).toBe('0.1005');
    expect(r.output).toBe('0.015');
    expect(r.conventions).toEqual([]);
  });

  it('infers a total from its parts when the client sends only the parts', () => {
    const r = calculateCost(
      { input_tokens: 20_000, cache_write_5m_tokens: 6_000, cache_write_1h_tokens: 4_000, output_tokens: 0 },
      sonnet45,
      now,
    );
    expect(r.breakdown).toEqual({ input: '0.03', cache_write: '0.0225', cache_write_1h: '0.024' });
  });

  it('reads the other conventions as they count, and says so', () => {
    // Anthropic: input_tokens without the cache.
    const a = calculateCost(
      { input_tokens: 10_000, cache_read_tokens: 80_000, cache_write_tokens: 10_000, output_tokens: 1_000 },
      sonnet,
      now,
    );
    expect(a.total).toBe('0.1065');
    expect(a.conventions).toEqual([CONVENTION_INPUT_EXCLUDES_CACHE]);
    // Reasoning reported apart from output_tokens.
    const x = calculateCost({ output_tokens: 100, output_reasoning_tokens: 300 }, sonnet, now);
    expect(x.lines).toEqual([expect.objectContaining({ part: 'output', quantity: 400 })]);
    expect(x.conventions).toEqual([CONVENTION_OUTPUT_EXCLUDES_REASONING]);
    // cache_write_tokens as unstated-TTL writes beside smaller parts: the total is their sum.
    const w = calculateCost(
      { input_tokens: 20_000, cache_write_tokens: 2_000, cache_write_1h_tokens: 4_000 },
      sonnet45,
      now,
    );
    expect(w.breakdown).toEqual({ input: '0.042', cache_write: '0.0075', cache_write_1h: '0.024' });
    expect(w.conventions).toEqual([CONVENTION_CACHE_WRITE_UNSTATED_TTL]);
  });

  it('accepts every unit of the registry, and prices each at its own rate or its ancestor’s', () => {
    for (const key of USAGE_KEYS) expect(() => readUsage({ [key]: 1 })).not.toThrow();
    const perplexity = usd(c('input', '1'), c('output', '1'), c('output_citation', '2'), c('web_search', '0.005'));
    const r = calculateCost(
      { input_tokens: 1_000, output_tokens: 3_000, output_citation_tokens: 2_000, web_searches: 3 },
      perplexity,
      now,
    );
    expect(r.breakdown).toEqual({ input: '0.001', output: '0.001', output_citation: '0.004', web_search: '0.015' });
    // A Gemini response's per-modality counts are parts of input/output: priced at input when they have no rate.
    expect(
      calculateCost({ input_tokens: 1_000, input_text_tokens: 600, input_image_tokens: 400 }, sonnet, now).total,
    ).toBe('0.003');
  });

  it('prices an overlap its price does not name once, at the cache rate (cached audio, no cache_read_audio rate)', () => {
    const price = usd(c('input', '1'), c('cache_read', '0.1'), c('input_audio', '10'));
    const r = calculateCost(
      {
        input_tokens: 1_000_000,
        input_audio_tokens: 500_000,
        cache_read_tokens: 300_000,
        cache_audio_read_tokens: 200_000,
      },
      price,
      now,
    );
    // 400k plain input, 100k cached text, 300k uncached audio, 200k cached audio at the cache rate: 1M tokens, once.
    expect(r.lines.map((l) => [l.part, l.quantity, l.rate_unit, l.amount])).toEqual([
      ['input', 400_000, 'input', '0.4'],
      ['cache_read', 100_000, 'cache_read', '0.01'],
      ['input_audio', 300_000, 'input_audio', '3'],
      ['cache_read_audio', 200_000, 'cache_read', '0.02'],
    ]);
    expect(r.lines.reduce((n, l) => n + l.quantity, 0)).toBe(1_000_000);
    expect(r.total).toBe('3.43');
  });

  it('counts one request when the price has a per-request rate and the usage names none', () => {
    const sonar = usd(c('input', '1'), c('output', '1'), c('request', '0.005'));
    expect(calculateCost({}, sonar, now).total).toBe('0.005');
    expect(calculateCost({ requests: 3 }, sonar, now).total).toBe('0.015');
    expect(calculateCost({ requests: 0, input_tokens: 1_000_000 }, sonar, now).total).toBe('1');
  });

  it('prices durations, characters and pages per item', () => {
    const whisper = usd(c('audio_seconds', '0.0001'));
    expect(calculateCost({ audio_seconds: 60 }, whisper, now).total).toBe('0.006');
    const tts = usd(c('input_character', '0.000015'));
    expect(calculateCost({ input_characters: 1_000 }, tts, now).total).toBe('0.015');
    expect(() => calculateCost({ audio_seconds: 60 }, usd(c('input', '1')), now)).toThrow(UnknownPriceError);
  });

  it('answers 0 for a model its feed marks free, and unknown for a unit a priced model lacks', () => {
    const free = usd(c('free', '0'));
    expect(calculateCost({ input_tokens: 1_000, output_tokens: 5, images: 2 }, free, now).total).toBe('0');
    expect(() => calculateCost({ input_tokens: 1, web_searches: 1 }, sonnet, now)).toThrow(/web_search/);
    // A hand-entered `free` with an amount is no free marker.
    expect(() =>
      calculateCost({ input_tokens: 1, web_searches: 1 }, usd(c('input', '1'), c('free', '2')), now),
    ).toThrow(/web_search/);
  });
});

describe('versionAt: dated prices', () => {
  // o3 went from $10/$40 to $2/$8 on 2025-06-10; a call made in May keeps the May price.
  const o3 = [
    {
      effective_from: '2025-04-16T00:00:00Z',
      effective_to: '2025-06-10T00:00:00Z',
      currency: 'USD',
      components: [c('input', '10'), c('output', '40')],
    },
    {
      effective_from: '2025-06-10T00:00:00Z',
      effective_to: null,
      currency: 'USD',
      components: [c('input', '2'), c('output', '8')],
    },
  ];
  it.each([
    ['2025-05-20T12:00:00Z', '0.05'],
    ['2025-06-09T23:59:59Z', '0.05'],
    ['2025-06-10T00:00:00Z', '0.01'],
  ])('prices 1k in + 1k out at %s: $%s', (at, total) => {
    const v = versionAt(o3, new Date(at));
    expect(v && calculateCost({ input_tokens: 1000, output_tokens: 1000 }, v, new Date(at)).total).toBe(total);
  });
  it('has no price before the first version', () => {
    expect(versionAt(o3, new Date('2025-01-01T00:00:00Z'))).toBeNull();
  });
});
