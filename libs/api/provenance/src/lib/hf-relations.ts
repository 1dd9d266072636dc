export const RELATIONS = ['finetune', 'adapter', 'quantized', 'merge'] as const;
export type Relation = (typeof RELATIONS)[number];

/** How we know an edge: stated by the repo (tag or card) or inferred with the Hub's rules. */
export type RelationSource = 'tag' | 'card' | 'inferred';

export interface BaseModelEdge {
  base: string;
  relation: Relation;
  source: RelationSource;
}

/** The parts of a Hugging Face Hub model record (GET /api/models/{id}) that carry lineage. */
export interface HfLineageFields {
  id: string;
  tags?: string[];
  library_name?: string;
  siblings?: { rfilename: string }[];
  cardData?: {
    base_model?: string | string[] | null;
    base_model_relation?: string;
    datasets?: string | string[] | null;
  } | null;
}

const isRelation = (v: unknown): v is Relation => typeof v === 'string' && (RELATIONS as readonly string[]).includes(v);
const asList = (v: string | string[] | null | undefined): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).map((s) => s.trim()).filter(Boolean);
/** Hub repo ids are `owner/name`; anything else in base_model is noise (URLs, free text). */
const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** Quantized weights announce themselves in tags, library or repo name (GGUF, GPTQ, AWQ, EXL2, bnb 4-bit, MLX, ...). */
const QUANT_HINT =
  /(^|[-_./])(gguf|gptq|awq|exl2|exl3|bnb|4bit|8bit|3bit|2bit|int4|int8|nf4|fp8|q[2-8]_k(_[ms])?|q[4-8]_0|mlx|imatrix|i1)([-_./]|$)/i;

function inferRelation(record: HfLineageFields, listedBases: number): Relation {
  const tags = (record.tags ?? []).map((t) => t.toLowerCase());
  const files = (record.siblings ?? []).map((s) => s.rfilename.toLowerCase());
  const library = (record.library_name ?? '').toLowerCase();
  // The Hub's order: several bases make a merge; adapter weights make an adapter; quantized weights a quant;
  // anything else derived from a base is a finetune.
  if (listedBases > 1) return 'merge';
  if (
    library === 'peft' ||
    tags.includes('peft') ||
    files.some((f) => f.endsWith('adapter_config.json')) ||
    /(^|[-_])(lora|adapter)([-_]|$)/i.test(record.id)
  ) {
    return 'adapter';
  }
  if (
    tags.some((t) => QUANT_HINT.test(t)) ||
    QUANT_HINT.test(library) ||
    QUANT_HINT.test(record.id.split('/')[1] ?? '') ||
    files.some((f) => f.endsWith('.gguf'))
  ) {
    return 'quantized';
  }
  if (tags.includes('merge') || tags.includes('mergekit')) return 'merge';
  return 'finetune';
}

/**
 * The base-model edges of a Hub record. Stated relations win: `base_model:<relation>:<id>` tags, then the card's
 * `base_model_relation`; bases named only by `base_model:<id>` tags or `cardData.base_model` (string or list) get a
 * relation inferred like the Hub does, marked `inferred`. Self-references and duplicates are dropped.
 */
export function baseModelEdges(record: HfLineageFields): BaseModelEdge[] {
  const stated = new Map<string, BaseModelEdge>();
  const bare = new Set<string>();
  for (const tag of record.tags ?? []) {
    if (!tag.startsWith('base_model:')) continue;
    const rest = tag.slice('base_model:'.length);
    const [first, ...more] = rest.split(':');
    if (more.length && isRelation(first)) {
      const base = more.join(':');
      if (REPO_ID.test(base)) stated.set(base, { base, relation: first, source: 'tag' });
    } else if (REPO_ID.test(rest)) {
      bare.add(rest);
    }
  }
  const cardBases = asList(record.cardData?.base_model).filter((b) => REPO_ID.test(b) && b !== record.id);
  for (const base of cardBases) bare.add(base);
  const unstated = [...bare].filter((b) => !stated.has(b) && b !== record.id);
  const cardRelation = record.cardData?.base_model_relation;
  // A card listing one base several times is a self-merge (e.g. a passthrough 120B from a 70B): still a merge.
  const listed = Math.max(new Set([...stated.keys(), ...unstated]).size, cardBases.length);
  const edges = [...stated.values()].filter((e) => e.base !== record.id);
  for (const base of unstated) {
    edges.push(
      isRelation(cardRelation)
        ? { base, relation: cardRelation, source: 'card' }
        : { base, relation: inferRelation(record, listed), source: 'inferred' },
    );
  }
  return edges.sort((a, b) => a.base.localeCompare(b.base));
}

/** Dataset ids from `dataset:<id>` tags and `cardData.datasets`. */
export function datasetIds(record: HfLineageFields): string[] {
  const ids = new Set<string>();
  for (const tag of record.tags ?? []) if (tag.startsWith('dataset:')) ids.add(tag.slice('dataset:'.length));
  for (const d of asList(record.cardData?.datasets)) ids.add(d);
  return [...ids].filter((d) => d.length > 0 && d.length <= 200).sort();
}
