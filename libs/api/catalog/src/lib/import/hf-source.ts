import { fetchFeed, FeedFetchOptions } from '@mph/api-core';
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
 * followed through its Link headers, or a single model URL `<base>/api/models/{id}`. Pages are read with `getPage`,
 * normally {@link hfPageGetter} (the SSRF-safe feed client), so no caller can reach the network around the guard.
 */
export async function* readHfUrl(
  url: string,
  options: { maxPages?: number; getPage: HfPageGetter },
): AsyncGenerator<HfPage> {
  let next: string | undefined = url;
  for (let page = 0; next && page < (options.maxPages ?? Infinity); page++) {
    const { body, link } = await options.getPage(next);
    yield { records: (Array.isArray(body) ? body : [body]) as HfModelRecord[], from: next };
    next = nextLink(link);
  }
}

/** Fetches one page of the Hub API: its JSON body and Link header. */
export type HfPageGetter = (url: string) => Promise<{ body: unknown; link: string | null }>;

/**
 * Pages through the feed client: private, loopback and mapped addresses (and redirects or Link pages to them) are
 * refused unless their host is in `allowedHosts`, with the timeout, size cap and retries of `options`.
 */
export function hfPageGetter(
  options: FeedFetchOptions,
  notJson: (message: string) => Error = (m) => new Error(m),
): HfPageGetter {
  return async (url) => {
    const res = await fetchFeed(url, { ...options, headers: { accept: 'application/json', ...options.headers } });
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch (e) {
      throw notJson(`${url} did not answer JSON: ${(e as Error).message}`);
    }
    const link = res.headers['link'];
    return { body, link: Array.isArray(link) ? link.join(', ') : (link ?? null) };
  };
}
