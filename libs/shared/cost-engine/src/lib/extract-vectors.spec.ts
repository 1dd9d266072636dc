import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractUsage } from './extract';
import { providerExtractors } from './extract-rules';

/**
 * The peers' extraction vectors (facts recorded from genai-prices', LiteLLM's and Langfuse's public tests: a provider
 * response and the usage they assert, with source file and commit; libs/api/cost-tracking/test/vectors/FORMAT.md):
 * each must come out as asserted, or be listed in differences.json with the reason. They need no prices, so they run
 * here, with the engine's own tests.
 */
interface ExtractVector {
  id: string;
  source: { repo: string; path: string; commit: string };
  provider: string | null;
  api_flavor: string | null;
  response: unknown;
  expected_usage: Record<string, number>;
  expected_model?: string;
}

const DIR = join(__dirname, '../../../../api/cost-tracking/test/vectors');
const DIFFERENCES: Record<string, { reason: string }> = JSON.parse(readFileSync(join(DIR, 'differences.json'), 'utf8'));
const load = (peer: string): ExtractVector[] => {
  const file = join(DIR, `extract-${peer}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
};

/**
 * The flavor a vector names, when it names a shape (the provider's own genai-prices flavor, the AI SDK's stream part,
 * an OTel span); a peer's context (a LangChain callback, an ingestion route) is left to detection.
 */
function flavorOf(v: ExtractVector): string | undefined {
  const f = v.api_flavor === 'ai-sdk-stream' ? 'ai-sdk' : v.api_flavor;
  if (!f) return undefined;
  if (providerExtractors(v.provider ?? undefined)?.extractors.some((e) => e.flavor === f)) return f;
  return ['ai-sdk', 'otel'].includes(f) ? f : undefined;
}

const sorted = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

describe.each(['genai-prices', 'litellm', 'langfuse'])('extraction vectors of %s', (peer) => {
  const vectors = load(peer);

  it('are facts with their source, at least 40 per peer', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(40);
    for (const v of vectors) expect(v.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(new Set(vectors.map((v) => v.id)).size).toBe(vectors.length);
  });

  it('differ only where listed with a reason, and every listed one still differs', () => {
    const nowPassing: string[] = [];
    for (const v of vectors.filter((x) => DIFFERENCES[x.id])) {
      expect(DIFFERENCES[v.id].reason).toMatch(/^(deliberate|data|open): .{10,}/);
      try {
        const r = extractUsage(v.provider ?? undefined, v.response, flavorOf(v));
        if (JSON.stringify(sorted(r.usage)) === JSON.stringify(sorted(v.expected_usage))) nowPassing.push(v.id);
      } catch {
        // still differs: refused
      }
    }
    expect(nowPassing).toEqual([]);
  });

  it.each(vectors.filter((v) => !DIFFERENCES[v.id]).map((v) => [v.id, v] as const))('%s', (id, v) => {
    const r = extractUsage(v.provider ?? undefined, v.response, flavorOf(v));
    expect(r.usage).toEqual(v.expected_usage);
    // A model the peer knew from context (not in the body) is not the extraction's to find.
    if (v.expected_model && JSON.stringify(v.response).includes(v.expected_model)) {
      expect(r.model).toBe(v.expected_model);
    }
  });
});
