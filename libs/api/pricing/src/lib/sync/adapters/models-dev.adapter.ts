import { parse as parseToml } from 'smol-toml';
import { gunzipSync } from 'node:zlib';
import { Money } from '../../decimal';
import type { NewComponent } from '../../services/price-writer';
import { hfRepoId } from '@mph/api-catalog';
import type { ModelHint } from '@mph/api-catalog';
import { CapabilityFacts, decimalText, FeedFormatError, FeedParseResult, providerSlug } from './feed-record';

type Json = Record<string, unknown>;

/** models.dev cost key → our unit (USD per 1M tokens already). */
const COST_KEYS: Record<string, string> = {
  input: 'input',
  output: 'output',
  cache_read: 'cache_read',
  cache_write: 'cache_write',
  input_audio: 'input_audio',
  output_audio: 'output_audio',
  reasoning: 'reasoning',
};

/** The files of a POSIX/ustar tar archive (the TOML tree is a few MB: read at once, synchronously). */
export function untar(archive: Buffer): { files: Map<string, Buffer>; dangling: string[] } {
  const files = new Map<string, Buffer>();
  const links = new Map<string, string>();
  let longName: string | null = null;
  for (let at = 0; at + 512 <= archive.length;) {
    const header = archive.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const text = (from: number, len: number) =>
      header
        .subarray(from, from + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = text(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
    const body = archive.subarray(at + 512, at + 512 + size);
    longName = null;
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') {
      const path = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1];
    } else if (type === '0' || type === '\0') files.set(name.replace(/^\.\//, ''), Buffer.from(body));
    else if (type === '1' || type === '2') links.set(name.replace(/^\.\//, ''), text(157, 100));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  // Symbolic and hard links (models.dev links one model file to another): resolve relative to the link, in rounds.
  for (let round = 0; round < 5 && links.size; round++) {
    for (const [name, target] of links) {
      const path = target.startsWith('/')
        ? target.slice(1)
        : normalise(`${name.slice(0, name.lastIndexOf('/') + 1)}${target}`);
      const body = files.get(path) ?? files.get(target);
      if (body) {
        files.set(name, body);
        links.delete(name);
      }
    }
  }
  return { files, dangling: [...links.keys()] };
}

function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Json, v as Json)
        : v;
  }
  return out;
}

function omit(obj: Json, path: string): void {
  const parts = path.split('.');
  let node: Json | undefined = obj;
  for (const p of parts.slice(0, -1)) node = node?.[p] as Json | undefined;
  if (node) delete node[parts[parts.length - 1]];
}

/**
 * The TOML tree (`providers/<provider>/provider.toml`, `providers/<provider>/models/<model id>.toml`) as the same
 * shape as models.dev's `api.json`. A model with `base_model = "<provider>/<model>"` inherits that file (deep merge,
 * then `base_model_omit` removes paths).
 */
export function modelsDevTreeToApi(files: Map<string, Buffer>): Json {
  const raw = new Map<string, Json>();
  // The canonical models (`models/<creator>/<id>.toml`) that providers' files name as `base_model`.
  const bases = new Map<string, Json>();
  const api: Json = {};
  for (const [path, body] of files) {
    const base = /(?:^|\/)models\/([^/]+\/.+)\.toml$/.exec(path);
    if (base && !/(?:^|\/)providers\//.test(path)) {
      bases.set(base[1], parseToml(body.toString('utf8')) as Json);
      continue;
    }
    const m = /(?:^|\/)providers\/([^/]+)\/(provider\.toml|models\/(.+)\.toml)$/.exec(path);
    if (!m) continue;
    const parsed = parseToml(body.toString('utf8')) as Json;
    if (m[2] === 'provider.toml') api[m[1]] = { ...(api[m[1]] as Json), ...parsed, id: m[1] };
    else raw.set(`${m[1]}/${m[3]}`, parsed);
  }
  const resolved = new Map<string, Json>();
  const resolve = (key: string, depth = 0): Json | null => {
    if (resolved.has(key)) return resolved.get(key) as Json;
    const own = raw.get(key) ?? (key.startsWith('models:') ? bases.get(key.slice(7)) : undefined);
    if (!own || depth > 10) return null;
    let model = own;
    const base = typeof own['base_model'] === 'string' ? (own['base_model'] as string) : null;
    if (base && base !== key) {
      // A canonical model first (that is what `base_model` names), else another provider's file.
      const parent = bases.has(base) ? resolve(`models:${base}`, depth + 1) : resolve(base, depth + 1);
      if (parent) {
        model = deepMerge(structuredClone(parent), own);
        for (const p of (own['base_model_omit'] as string[] | undefined) ?? []) omit(model, p);
      }
    }
    resolved.set(key, model);
    return model;
  };
  for (const key of raw.keys()) {
    const slash = key.indexOf('/');
    const provider = key.slice(0, slash);
    const id = key.slice(slash + 1);
    const p = (api[provider] ??= { id: provider, models: {} }) as Json;
    const models = (p['models'] ??= {}) as Json;
    models[id] = { ...resolve(key), id };
  }
  return api;
}

function costComponents(cost: Json): NewComponent[] {
  const out: NewComponent[] = [];
  for (const [key, unit] of Object.entries(COST_KEYS)) {
    const amount = decimalText(cost[key]);
    if (amount !== null) out.push({ unit, amount: new Money(amount).toFixed() });
  }
  const tiers = [
    ...((cost['tiers'] as Json[] | undefined) ?? []).map((t) => ({
      size: Number((t['tier'] as Json)?.['size']),
      prices: t,
    })),
    ...(cost['context_over_200k'] ? [{ size: 200_000, prices: cost['context_over_200k'] as Json }] : []),
  ];
  for (const t of tiers) {
    if (!Number.isInteger(t.size) || t.size <= 0) continue;
    for (const [key, unit] of Object.entries(COST_KEYS)) {
      const amount = decimalText(t.prices[key]);
      if (amount !== null) out.push({ unit, amount: new Money(amount).toFixed(), prompt_tokens_above: t.size });
    }
  }
  return out;
}

/**
 * models.dev: its `api.json` (providers → models with `cost` per 1M tokens, `limit`, modalities) or the gzipped
 * TOML tree of its repository. One record per provider model with a cost; models without `cost` are reported invalid
 * (no price known). Tiered costs (`cost.tiers`, `context_over_200k`) become cliff tiers.
 */
export function parseModelsDev(body: Buffer | string): FeedParseResult {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  let api: Json;
  let missingLinks: string[] = [];
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    let tar: Buffer;
    try {
      tar = gunzipSync(buf);
    } catch (e) {
      throw new FeedFormatError(`models.dev archive is damaged: ${(e as Error).message}`);
    }
    try {
      const { files, dangling } = untar(tar);
      api = modelsDevTreeToApi(files);
      missingLinks = dangling.filter((d) => d.endsWith('.toml'));
    } catch (e) {
      throw new FeedFormatError(`models.dev TOML tree could not be read: ${(e as Error).message}`);
    }
  } else {
    try {
      api = JSON.parse(buf.toString('utf8')) as Json;
    } catch (e) {
      throw new FeedFormatError(`models.dev api.json is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!api || typeof api !== 'object' || Array.isArray(api) || !Object.keys(api).length) {
    throw new FeedFormatError('models.dev data must be an object of providers, each with models.');
  }
  const result: FeedParseResult = { adapter: 'models.dev', entries: 0, records: [], invalid: [], ignoredFields: {} };
  for (const link of missingLinks) {
    result.entries++;
    result.invalid.push({
      ref: link.replace(/^.*providers\//, ''),
      reason: 'links to a file the archive does not hold',
    });
  }
  for (const [providerId, p] of Object.entries(api)) {
    const models = (p as Json)?.['models'];
    if (!models || typeof models !== 'object') continue;
    const provider = providerSlug(providerId);
    for (const [id, m] of Object.entries(models as Json)) {
      result.entries++;
      const model = m as Json;
      const ref = `${providerId}/${id}`;
      const cost = model['cost'] as Json | undefined;
      if (!cost || typeof cost !== 'object') {
        result.invalid.push({ ref, reason: 'no cost' });
        continue;
      }
      for (const k of Object.keys(cost)) {
        if (!COST_KEYS[k] && k !== 'tiers' && k !== 'context_over_200k')
          result.ignoredFields[k] = (result.ignoredFields[k] ?? 0) + 1;
      }
      const components = costComponents(cost);
      if (!components.some((c) => c.unit === 'input' || c.unit === 'output')) {
        result.invalid.push({ ref, reason: 'no input or output cost' });
        continue;
      }
      const limit = (model['limit'] ?? {}) as Json;
      const base = typeof model['base_model'] === 'string' ? (model['base_model'] as string) : undefined;
      const hints: ModelHint[] = [];
      for (const w of (model['weights'] as Json[] | undefined) ?? []) {
        const repo = hfRepoId(w?.['url']);
        if (repo) hints.push({ id: repo, via: 'models.dev weights', hf: true });
      }
      if (base && base.includes('/')) hints.push({ id: base, via: 'models.dev base_model' });
      result.records.push({
        ref,
        provider,
        providerModelId: id,
        modelHints: hints.length ? hints : undefined,
        capabilities: modelsDevCapabilities(model),
        displayName: typeof model['name'] === 'string' ? (model['name'] as string) : undefined,
        contextWindow: typeof limit['context'] === 'number' ? (limit['context'] as number) : null,
        maxOutput: typeof limit['output'] === 'number' ? (limit['output'] as number) : null,
        versions: [{ effectiveFrom: null, serviceTier: 'standard', region: '', currency: 'USD', components }],
      });
    }
  }
  return result;
}

/** models.dev's model fields as capability facts (its own names: tool_call, attachment, knowledge, …). */
function modelsDevCapabilities(model: Json): CapabilityFacts {
  const facts: CapabilityFacts = {};
  const bool = (k: string) => (typeof model[k] === 'boolean' ? (model[k] as boolean) : undefined);
  const date = (k: string) => {
    const v = model[k];
    const text = v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' ? v : undefined;
    return text && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(text) ? text : undefined;
  };
  const set = <K extends keyof CapabilityFacts>(k: K, v: CapabilityFacts[K] | undefined) => {
    if (v !== undefined) facts[k] = v;
  };
  set('tool_calling', bool('tool_call'));
  set('reasoning', bool('reasoning'));
  set('structured_output', bool('structured_output'));
  set('open_weights', bool('open_weights'));
  const modalities = (model['modalities'] ?? {}) as Json;
  if (Array.isArray(modalities['input'])) {
    set('input_modalities', modalities['input'] as string[]);
    set('vision', (modalities['input'] as string[]).includes('image'));
  }
  if (Array.isArray(modalities['output'])) set('output_modalities', modalities['output'] as string[]);
  set('knowledge_cutoff', date('knowledge'));
  const release = date('release_date');
  if (release && release.length === 10) set('release_date', release);
  const updated = date('last_updated');
  if (updated && updated.length === 10) set('last_updated', updated);
  const limit = (model['limit'] ?? {}) as Json;
  if (typeof limit['context'] === 'number' && limit['context'] > 0) set('context_window', limit['context'] as number);
  if (typeof limit['output'] === 'number' && limit['output'] > 0) set('max_output', limit['output'] as number);
  return facts;
}
