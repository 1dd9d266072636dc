import { readFile } from 'node:fs/promises';
import type { HfModelRecord } from './hf-record';

export interface HfPage {
  records: HfModelRecord[];
  /** Where the page came from (file path or URL), for progress and errors. */
  from: string;
  /** How many records the whole source holds, when known up front (a file), for progress bars. */
  total?: number;
}

/** Records from a local JSON (array, `{models: [...]}`, or one record) or NDJSON file. */
export async function* readHfFile(path: string): AsyncGenerator<HfPage> {
  const text = await readFile(path, 'utf8');
  const trimmed = text.trimStart();
  let records: unknown[];
  if (trimmed.startsWith('[')) records = JSON.parse(text);
  else if (trimmed.startsWith('{') && !/}\s*\n\s*{/.test(text)) {
    const parsed = JSON.parse(text) as { models?: unknown[] };
    records = Array.isArray(parsed.models) ? parsed.models : [parsed];
  } else {
    records = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l, i) => {
        try {
          return JSON.parse(l);
        } catch {
          throw new Error(`${path}: line ${i + 1} is not JSON`);
        }
      });
  }
  for (let i = 0; i < records.length; i += 1000)
    yield { records: records.slice(i, i + 1000) as HfModelRecord[], from: path, total: records.length };
}

/** The `rel="next"` target of a Link header, as the Hub sends for paging. */
export function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Pages of the Hub API (or a mirror speaking it): a list URL such as `<base>/api/models?full=true&cardData=true&limit=1000`
 * followed through its Link headers, or a single model URL `<base>/api/models/{id}`.
 */
export async function* readHfUrl(
  url: string,
  options: { maxPages?: number; fetchImpl?: typeof fetch; getPage?: HfPageGetter } = {},
): AsyncGenerator<HfPage> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const getPage: HfPageGetter =
    options.getPage ??
    (async (pageUrl) => {
      const res = await fetchImpl(pageUrl, {
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(60_000),
      });
      if (!res.ok) throw new Error(`${pageUrl} answered ${res.status} ${res.statusText}`);
      return { body: (await res.json()) as unknown, link: res.headers.get('link') };
    });
  let next: string | undefined = url;
  for (let page = 0; next && page < (options.maxPages ?? Infinity); page++) {
    const { body, link } = await getPage(next);
    yield { records: (Array.isArray(body) ? body : [body]) as HfModelRecord[], from: next };
    next = nextLink(link);
  }
}

/** Fetches one page of the Hub API: its JSON body and Link header (the sync passes its SSRF-safe client here). */
export type HfPageGetter = (url: string) => Promise<{ body: unknown; link: string | null }>;
