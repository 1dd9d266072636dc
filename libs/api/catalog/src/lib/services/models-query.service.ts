import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { decodeCursor, DomainError, encodeCursor, PageWindow, query as runQuery, ReadDatabase } from '@mph/api-core';
import { AncestryEdge, LINEAGE_SQL, ProvenanceService } from '@mph/api-provenance';
import { DataSource } from 'typeorm';
import { ModelCapabilitiesService } from './model-capabilities.service';
import type { ModelDetailDto, ModelsQueryDto, ModelSummaryDto, TypedTagsDto } from '../dto/models.dto';
import { MODEL_PRICE_SQL, ModelPriceSql } from '../dto/prices.dto';
import { ModelEntity, OfferingEntity } from '../entities';
import { IndexFlag, IndexSort, INDEX_SORTS } from '../search/model-index';
import { SearchIndexService } from '../search/search-index.service';

/** Counting stops here: beyond it `total` is a lower bound flagged `total_estimated`. */
export const COUNT_CAP = 10_000;

/**
 * `llama 3.1 inst` → `llama & 3 & 1 & inst:*`: every word must match; the last one, which the user may still be
 * typing, as a prefix (like search-as-you-type engines: words already finished match whole, which keeps the
 * posting lists the index reads short). Only letters and digits survive.
 */
export function prefixQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 12);
  return words.length ? words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(' & ') : null;
}

const LANGUAGE = /^[a-z]{2,3}$/;
const FRAMEWORKS = new Set([
  'transformers',
  'pytorch',
  'safetensors',
  'gguf',
  'tensorflow',
  'jax',
  'onnx',
  'mlx',
  'peft',
  'diffusers',
  'sentence-transformers',
  'vllm',
  'tgi',
  'keras',
  'exl2',
  'awq',
  'gptq',
]);

/** Splits Hub tags into license / language / framework / region / arxiv / general (lineage and dataset tags are shown elsewhere). */
export function typedTags(tags: string[]): TypedTagsDto {
  const out: TypedTagsDto = { license: [], language: [], framework: [], region: [], arxiv: [], general: [] };
  for (const tag of tags) {
    if (tag.startsWith('base_model:') || tag.startsWith('dataset:')) continue;
    if (tag.startsWith('license:')) out.license.push(tag.slice(8));
    else if (tag.startsWith('region:')) out.region.push(tag.slice(7));
    else if (tag.startsWith('arxiv:')) out.arxiv.push(tag.slice(6));
    else if (LANGUAGE.test(tag)) out.language.push(tag);
    else if (FRAMEWORKS.has(tag)) out.framework.push(tag);
    else out.general.push(tag);
  }
  return out;
}

const SUMMARY_COLUMNS = `m.id, m.display_name, m.author, m.creator_vendor, m.pipeline_tag, m.library_name, m.license, m.context_window,
  m.open_weights, m.downloads::float8 AS downloads, m.likes, m.trending_score, m.hf_created_at, m.tags,
  m.tool_calling, m.structured_output, m.reasoning, m.vision`;

interface SummaryRow {
  id: string;
  display_name: string;
  author: string;
  creator_vendor: string | null;
  pipeline_tag: string | null;
  library_name: string | null;
  license: string | null;
  context_window: number | null;
  open_weights: boolean | null;
  downloads: number;
  likes: number;
  trending_score: number;
  hf_created_at: Date | null;
  tags: string[];
  tool_calling: boolean | null;
  structured_output: boolean | null;
  reasoning: boolean | null;
  vision: boolean | null;
}

/** What the list shows of a model's prices: how many providers, and the cheapest offering now. */
export type PriceSummary = Pick<ModelSummaryDto, 'provider_count' | 'cheapest'>;

const NO_PRICES: PriceSummary = { provider_count: 0, cheapest: null };

function priceSummary(providers: number, cheapest: CheapestRow | null): PriceSummary {
  return { provider_count: providers, cheapest: cheapest && { ...cheapest, currency: cheapest.currency.trim() } };
}

function summary(r: SummaryRow, prices: PriceSummary = NO_PRICES): ModelSummaryDto {
  return { ...r, hf_created_at: r.hf_created_at?.toISOString() ?? null, ...prices };
}

interface CheapestRow {
  input: string;
  output: string;
  currency: string;
  provider: string;
  provider_model_id: string;
}

/** Sort keys for keyset paging: NULLs are mapped below every value so DESC order puts them last, as the pages do. */
type SortKey = Exclude<ModelsQueryDto['sort'] & string, 'relevance'>;

/** Sort keys for keyset paging (the price key needs the pricing lib's SQL, see `keyset`). */
const KEYSET: Record<Exclude<SortKey, 'price'>, { expr: string; type: string }> = {
  downloads: { expr: 'm.downloads', type: 'bigint' },
  likes: { expr: 'm.likes', type: 'integer' },
  trending: { expr: 'm.trending_score', type: 'float8' },
  created: { expr: "coalesce(m.hf_created_at, '-infinity'::timestamptz)", type: 'timestamptz' },
  updated: { expr: "coalesce(m.hf_last_modified, '-infinity'::timestamptz)", type: 'timestamptz' },
  context: { expr: 'coalesce(m.context_window, -1)', type: 'integer' },
};

/** The next page's cursor (core's one cursor format): the sort it belongs to, the last row's sort value and id. */
export function modelsCursor(sort: string, value: string | null, id: string): string {
  return encodeCursor({ s: sort, v: value, id });
}

function readModelsCursor(cursor: string, sort: string): { v: string; id: string } {
  return decodeCursor<{ v: string; id: string }>(
    cursor,
    (c): c is { s: string; v: string; id: string } =>
      c['s'] === sort && typeof c['v'] === 'string' && typeof c['id'] === 'string',
    'it is not a next_cursor of this sort; start again without it',
  );
}

/** Filters only the SQL search applies (they need offerings, prices or lineage): with them the index does not answer. */
const INDEX_UNSUPPORTED = [
  'provider',
  'tags',
  'modality_in',
  'modality_out',
  'max_input_price',
  'max_output_price',
  'has_base_model',
  'base_model',
  'relation',
] as const;

/**
 * A sort value as the cursor carries it: the text PostgreSQL reads back as the sort key's type (so a cursor from the
 * index and one from the SQL search are interchangeable). Unknown times are '-infinity', an unknown context -1.
 */
export function sortValueText(sort: IndexSort, v: number): string {
  if (sort === 'created' || sort === 'updated') return v === -Infinity ? '-infinity' : new Date(v).toISOString();
  return String(v);
}

/** The inverse of `sortValueText`, also for PostgreSQL's own text of a timestamp ('2024-05-01 12:00:00+00'). */
export function parseSortValue(sort: IndexSort, text: string): number {
  let v: number;
  if (sort === 'created' || sort === 'updated') {
    if (text === '-infinity') return -Infinity;
    if (text === 'infinity') return Infinity;
    v = Date.parse(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  } else {
    v = text.trim() === '' ? NaN : Number(text);
  }
  if (Number.isNaN(v)) {
    throw DomainError.badRequest('INVALID_CURSOR', 'cursor is not one this API gave out; start again without it.', [
      { field: 'cursor', problems: ['unknown cursor'] },
    ]);
  }
  return v;
}

/** A page of search results; `engine` answered it in `ms` (the API's Server-Timing header, the search benchmark's raw time). */
export interface SearchAnswer {
  rows: ModelSummaryDto[];
  total: number;
  estimated: boolean;
  nextCursor: string | null;
  engine: 'memory' | 'postgres';
  ms: number;
  /** Of `ms`, the index's part (the rest is the database's: the page's rows and prices). */
  indexMs?: number;
}

/** Catalog reads: search with filters and sorts, and the model detail (joined with lineage from provenance). */
@Injectable()
export class ModelsQueryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly provenance: ProvenanceService,
    private readonly reads: ReadDatabase,
    private readonly capabilities: ModelCapabilitiesService,
    @Optional() @Inject(MODEL_PRICE_SQL) private readonly priceSql?: ModelPriceSql,
    @Optional() private readonly index?: SearchIndexService,
  ) {}

  /** The live offerings of model `m` with their base prices now (the pricing lib's relation), for filters and sort. */
  private offeringPrices(): string {
    if (!this.priceSql) {
      throw DomainError.notFound(
        'PRICING_DISABLED',
        'Prices are not served by this instance: no price filter or sort.',
      );
    }
    return `FROM offerings o CROSS JOIN LATERAL ${this.priceSql.basePricesNow('o.id')} p
      WHERE o.model_id = m.id AND o.deleted_at IS NULL`;
  }

  private keyset(sort: SortKey): { expr: string; type: string } {
    // Cheapest first (descending on the negated price); models without a known price come last.
    if (sort === 'price') {
      return {
        expr: `-coalesce((SELECT min(p.input + p.output) ${this.offeringPrices()}), 'Infinity'::numeric)`,
        type: 'numeric',
      };
    }
    return KEYSET[sort];
  }

  /** `replica`: the read replica may answer (anonymous callers only; see ReadDatabase). */
  async search(query: ModelsQueryDto, window: PageWindow, replica = false): Promise<SearchAnswer> {
    const started = performance.now();
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['m.deleted_at IS NULL', 'm.listed'];
    const tsq = query.q ? prefixQuery(query.q) : null;
    if (query.q && !tsq)
      throw DomainError.badRequest('VALIDATION_FAILED', 'q must contain letters or digits.', [
        { field: 'q', problems: ['must contain letters or digits'] },
      ]);
    let tsParam = '';
    let exactParam = '';
    if (tsq) {
      tsParam = p(tsq);
      exactParam = p(query.q?.trim().toLowerCase());
      where.push(`(m.search_vector @@ to_tsquery('simple', ${tsParam}) OR lower(m.id) = ${exactParam})`);
    }
    // With a text query the GIN match is already small: equality filters on low-cardinality columns are then checked
    // on those rows ("(...) IS TRUE" is not indexable) instead of AND-ing a bitmap of a third of the table.
    const eq = (column: string, value: unknown) =>
      tsq ? `(m.${column} = ${p(value)}) IS TRUE` : `m.${column} = ${p(value)}`;
    if (query.author) where.push(`m.author = ${p(query.author)}`);
    if (query.vendor) where.push(eq('creator_vendor', query.vendor));
    if (query.provider)
      where.push(
        `EXISTS (SELECT 1 FROM offerings o WHERE o.model_id = m.id AND o.provider_slug = ${p(query.provider)} AND o.deleted_at IS NULL)`,
      );
    if (query.pipeline_tag) where.push(eq('pipeline_tag', query.pipeline_tag));
    if (query.library) where.push(eq('library_name', query.library));
    if (query.license) where.push(eq('license', query.license));
    if (query.tags) {
      const tags = query.tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      if (tags.length) where.push(`m.tags @> ${p(tags)}::text[]`);
    }
    if (query.modality_in) where.push(`${p(query.modality_in)} = ANY(m.input_modalities)`);
    if (query.modality_out) where.push(`${p(query.modality_out)} = ANY(m.output_modalities)`);
    for (const flag of ['tool_calling', 'structured_output', 'reasoning', 'vision', 'open_weights'] as const) {
      if (query[flag] !== undefined) where.push(query[flag] ? `m.${flag} IS TRUE` : `m.${flag} IS NOT TRUE`);
    }
    if (query.min_context !== undefined) where.push(`m.context_window >= ${p(query.min_context)}`);
    if (query.max_input_price !== undefined || query.max_output_price !== undefined) {
      const conditions = [
        query.max_input_price !== undefined ? `p.input <= ${p(query.max_input_price)}::numeric` : null,
        query.max_output_price !== undefined ? `p.output <= ${p(query.max_output_price)}::numeric` : null,
      ].filter(Boolean);
      where.push(`EXISTS (SELECT 1 ${this.offeringPrices()} AND ${conditions.join(' AND ')})`);
    }
    if (query.has_base_model !== undefined) {
      where.push(`${query.has_base_model ? '' : 'NOT '}${LINEAGE_SQL.hasBase('m.id')}`);
    }
    if (query.base_model) {
      where.push(LINEAGE_SQL.derivedFrom('m.id', p(query.base_model), query.relation ? p(query.relation) : null));
    } else if (query.relation) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'relation needs base_model.', [
        { field: 'relation', problems: ['needs base_model'] },
      ]);
    }
    const sort = query.sort ?? (tsq ? 'relevance' : 'downloads');
    if (sort === 'relevance' && !tsq) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'sort=relevance needs q.', [
        { field: 'sort', problems: ['relevance needs q'] },
      ]);
    }
    if (sort === 'relevance' && query.cursor) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'cursor works with every sort but relevance.', [
        { field: 'cursor', problems: ['not with relevance'] },
      ]);
    }
    const fromIndex = await this.searchIndex(query, sort, window, replica);
    if (fromIndex) return { ...fromIndex, engine: 'memory', ms: performance.now() - started };
    const whereSql = where.join(' AND ');
    const countParams = [...params];
    const key = sort === 'relevance' ? undefined : this.keyset(sort);
    let order: string;
    let offset = window.offset;
    if (!key) {
      // Exact id first, then text relevance boosted by popularity (log-scaled downloads).
      order = `(lower(m.id) = ${exactParam}) DESC, ts_rank_cd(m.search_vector, to_tsquery('simple', ${tsParam}), 1) * (1 + ln(1 + m.downloads) / 8) DESC, m.downloads DESC, m.id`;
    } else {
      order = `${key.expr} DESC, m.id`;
      if (query.cursor) {
        const c = readModelsCursor(query.cursor, sort);
        const v = p(c.v);
        where.push(`(${key.expr} < ${v}::${key.type} OR (${key.expr} = ${v}::${key.type} AND m.id > ${p(c.id)}))`);
        offset = 0;
      }
    }
    const sortKey = key ? `(${key.expr})::text` : 'NULL::text';
    // One statement: up to COUNT_CAP + 1 matches (their ids and sort values only) are collected, counted and sorted;
    // the page's rows are then read by primary key. Past the cap the collected set is not all matches, so the page
    // comes from the ordered query instead (with that many matches its sort index finds the rows quickly).
    const rank = key
      ? `${key.expr} AS k`
      : `(lower(m.id) = ${exactParam}) AS exact, ts_rank_cd(m.search_vector, to_tsquery('simple', ${tsParam}), 1) * (1 + ln(1 + m.downloads) / 8) AS k`;
    const hitOrder = key ? 'h.k DESC, h.id' : 'h.exact DESC, h.k DESC, h.downloads DESC, h.id';
    const offsetParam = p(offset);
    const limitParam = p(window.limit);
    let rows = await runQuery<SummaryRow & { sort_key: string | null; total: number }>(
      this.reads.on(replica),
      `WITH hits AS MATERIALIZED (
         SELECT m.id, m.downloads, ${rank} FROM models m WHERE ${where.join(' AND ')} LIMIT ${COUNT_CAP + 1}
       ), page AS (
         SELECT h.*, count(*) OVER ()::int AS total FROM hits h ORDER BY ${hitOrder} OFFSET ${offsetParam} LIMIT ${limitParam}
       )
       SELECT ${SUMMARY_COLUMNS}, ${sortKey} AS sort_key, h.total
         FROM page h JOIN models m ON m.id = h.id ORDER BY ${hitOrder}`,
      params,
    );
    let n = rows[0]?.total ?? 0;
    if (query.cursor || (!rows.length && offset > 0)) {
      // A cursor page counted only the matches after the cursor; past the last page no row carried the count.
      [{ n }] = await runQuery<{ n: number }>(
        this.reads.on(replica),
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM models m WHERE ${whereSql} LIMIT ${COUNT_CAP + 1}) c`,
        countParams,
      );
    }
    if (n > COUNT_CAP) {
      rows = await runQuery<SummaryRow & { sort_key: string | null; total: number }>(
        this.reads.on(replica),
        `SELECT ${SUMMARY_COLUMNS}, ${sortKey} AS sort_key, 0 AS total FROM models m WHERE ${where.join(' AND ')}
          ORDER BY ${order} OFFSET ${offsetParam} LIMIT ${limitParam}`,
        params,
      );
    }
    const last = rows[rows.length - 1];
    const nextCursor =
      key && last && rows.length === window.limit ? modelsCursor(sort, last.sort_key ?? null, last.id) : null;
    const prices = await this.priceSummaries(
      rows.map((r) => r.id),
      replica,
    );
    return {
      rows: rows.map(({ sort_key: _k, total: _t, ...r }) => summary(r, prices.get(r.id))),
      total: Math.min(n, COUNT_CAP),
      estimated: n > COUNT_CAP,
      nextCursor,
      engine: 'postgres',
      ms: performance.now() - started,
    };
  }

  /**
   * The in-process index's answer (docs/search.md) when it can give it: a text query with the filters it holds and a
   * sort other than price; null otherwise, and while the index is loading (the SQL search answers then). The index
   * gives the page's ids in order and the exact number of matches; the rows and prices come from the database.
   */
  private async searchIndex(
    query: ModelsQueryDto,
    sort: ModelsQueryDto['sort'] & string,
    window: PageWindow,
    replica: boolean,
  ): Promise<Omit<SearchAnswer, 'engine' | 'ms'> | null> {
    if (!this.index || !query.q || !(INDEX_SORTS as readonly string[]).includes(sort)) return null;
    if (INDEX_UNSUPPORTED.some((k) => query[k] !== undefined)) return null;
    const indexSort = sort as IndexSort;
    let after: { value: number; id: string } | undefined;
    if (query.cursor) {
      const c = readModelsCursor(query.cursor, sort);
      after = { value: parseSortValue(indexSort, c.v), id: c.id };
    }
    const flags: Partial<Record<IndexFlag, boolean>> = {};
    for (const flag of ['tool_calling', 'structured_output', 'reasoning', 'vision', 'open_weights'] as const) {
      if (query[flag] !== undefined) flags[flag] = query[flag];
    }
    const started = performance.now();
    const hit = await this.index.search({
      q: query.q,
      author: query.author,
      vendor: query.vendor,
      pipeline_tag: query.pipeline_tag,
      library: query.library,
      license: query.license,
      flags,
      min_context: query.min_context,
      sort: indexSort,
      after,
      offset: after ? 0 : window.offset,
      limit: window.limit,
    });
    if (!hit) return null;
    const indexMs = performance.now() - started;
    // The page's rows with their price summaries: one statement.
    const { priced, join } = this.priceSummarySql();
    const found = hit.ids.length
      ? await runQuery<SummaryRow & { providers: number; cheapest: CheapestRow | null }>(
          this.reads.on(replica),
          `SELECT ${SUMMARY_COLUMNS}, ps.providers, ps.cheapest
             FROM models m
             LEFT JOIN LATERAL (
               SELECT count(DISTINCT o.provider_slug)::int AS providers, ${priced} AS cheapest
                 FROM offerings o ${join} WHERE o.model_id = m.id AND o.deleted_at IS NULL
             ) ps ON true
            WHERE m.id = ANY($1::text[]) AND m.deleted_at IS NULL`,
          [hit.ids],
        )
      : [];
    const byId = new Map(found.map((r) => [r.id, r]));
    const rows: ModelSummaryDto[] = [];
    hit.ids.forEach((id) => {
      const r = byId.get(id);
      if (!r) return;
      const { providers, cheapest, ...model } = r;
      rows.push(summary(model, priceSummary(providers, cheapest)));
    });
    const lastAt = hit.ids.length - 1;
    const nextCursor =
      indexSort !== 'relevance' && hit.ids.length === window.limit
        ? modelsCursor(sort, sortValueText(indexSort, hit.values[lastAt] as number), hit.ids[lastAt])
        : null;
    return { rows, total: hit.total, estimated: false, nextCursor, indexMs };
  }

  /**
   * Per model: the providers with a live offering, and the cheapest offering now by the "cheapest first" key (base
   * input + output per 1M; USD before other currencies, which are not comparable without a rate). One statement for a
   * page of models.
   */
  async priceSummaries(ids: string[], replica = false): Promise<Map<string, PriceSummary>> {
    const out = new Map<string, PriceSummary>();
    if (!ids.length) return out;
    const { priced, join } = this.priceSummarySql();
    const rows = await runQuery<{ model_id: string; providers: number; cheapest: CheapestRow | null }>(
      this.reads.on(replica),
      `SELECT o.model_id, count(DISTINCT o.provider_slug)::int AS providers, ${priced} AS cheapest
         FROM offerings o ${join}
        WHERE o.model_id = ANY($1::text[]) AND o.deleted_at IS NULL
        GROUP BY o.model_id`,
      [ids],
    );
    for (const r of rows) out.set(r.model_id, priceSummary(r.providers, r.cheapest));
    return out;
  }

  /** The cheapest offering now of the offerings `o` (an aggregate) and the join that prices them. */
  private priceSummarySql(): { priced: string; join: string } {
    const priced = this.priceSql
      ? `(array_agg(jsonb_build_object('input', p.input::text, 'output', p.output::text, 'currency', p.currency,
            'provider', o.provider_slug, 'provider_model_id', o.provider_model_id)
            ORDER BY p.currency <> 'USD', p.input + p.output, o.provider_slug, o.provider_model_id)
            FILTER (WHERE p.input IS NOT NULL))[1]`
      : 'NULL::jsonb';
    const join = this.priceSql ? `LEFT JOIN LATERAL ${this.priceSql.basePricesNow('o.id')} p ON true` : '';
    return { priced, join };
  }

  async vendorCounts(slug: string): Promise<{ models: number; offerings: number }> {
    const [row] = await runQuery<{ models: number; offerings: number }>(
      this.dataSource,
      `SELECT (SELECT count(*)::int FROM models WHERE creator_vendor = $1 AND deleted_at IS NULL) AS models,
              (SELECT count(*)::int FROM offerings WHERE provider_slug = $1 AND deleted_at IS NULL) AS offerings`,
      [slug],
    );
    return row;
  }

  /** A model by id (case-insensitive) or alias; 404 MODEL_NOT_FOUND otherwise. */
  async resolveId(id: string): Promise<string> {
    // Three indexed lookups, each run only when the one before found nothing (COALESCE evaluates its sub-selects
    // lazily): primary key, lower(id), aliases. The lookups aggregate rather than LIMIT 1 or min(): with those the planner
    // bets on a sequential scan meeting a match early, and walks the whole table when there is none.
    const rows = await runQuery<{ id: string | null }>(
      this.dataSource,
      `SELECT coalesce(
         (SELECT id FROM models WHERE id = $1 AND deleted_at IS NULL),
         (SELECT (array_agg(id ORDER BY id))[1] FROM models WHERE lower(id) = lower($1) AND deleted_at IS NULL),
         (SELECT (array_agg(id ORDER BY id))[1] FROM models WHERE aliases @> ARRAY[$1]::text[] AND deleted_at IS NULL)
       ) AS id`,
      [id],
    ).then((r) => r.filter((row) => row.id !== null));
    if (!rows.length) throw DomainError.notFound('MODEL_NOT_FOUND', `No model "${id}" in the catalog.`);
    return rows[0].id as string;
  }

  /** Every ancestor edge of a model (provenance's), each saying whether its base is in the catalog. */
  async ancestry(modelId: string): Promise<(AncestryEdge & { base_known: boolean })[]> {
    const edges = await this.provenance.ancestry(modelId);
    const known = await this.knownIds(edges.map((e) => e.base_model_id));
    return edges.map((e) => ({ ...e, base_known: known.has(e.base_model_id) }));
  }

  /** Which of these ids are live models of the catalog (a base may be known only by its id). */
  private async knownIds(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await runQuery<{ id: string }>(
      this.dataSource,
      `SELECT id FROM models WHERE id = ANY($1::text[]) AND deleted_at IS NULL`,
      [[...new Set(ids)]],
    );
    return new Set(rows.map((r) => r.id));
  }

  async detail(id: string): Promise<ModelDetailDto> {
    const modelId = await this.resolveId(id);
    const m = await this.dataSource.getRepository(ModelEntity).findOneByOrFail({ id: modelId });
    const [baseEdges, derivativeCounts, datasets, offerings, facts, prices] = await Promise.all([
      this.provenance.basesOf(modelId),
      this.provenance.derivativeCounts(modelId),
      this.provenance.datasetsOf(modelId),
      this.dataSource
        .getRepository(OfferingEntity)
        .find({ where: { modelId }, order: { providerSlug: 'ASC', providerModelId: 'ASC' } }),
      this.capabilities.factsOf(this.dataSource.manager, modelId),
      this.priceSummaries([modelId]),
    ]);
    const known = await this.knownIds(baseEdges.map((b) => b.base_model_id));
    const bases = baseEdges.map((b) => ({ ...b, base_known: known.has(b.base_model_id) }));
    return {
      id: m.id,
      display_name: m.displayName,
      author: m.author,
      creator_vendor: m.creatorVendor,
      pipeline_tag: m.pipelineTag,
      library_name: m.libraryName,
      license: m.license,
      context_window: m.contextWindow,
      open_weights: m.openWeights,
      downloads: Number(m.downloads),
      likes: m.likes,
      trending_score: m.trendingScore,
      hf_created_at: m.hfCreatedAt?.toISOString() ?? null,
      tags: m.tags,
      description: m.description,
      max_output: m.maxOutput,
      input_modalities: m.inputModalities,
      output_modalities: m.outputModalities,
      tool_calling: m.toolCalling,
      structured_output: m.structuredOutput,
      reasoning: m.reasoning,
      vision: m.vision,
      release_date: m.releaseDate,
      knowledge_cutoff: m.knowledgeCutoff,
      last_updated: m.lastUpdated,
      deprecation_date: m.deprecationDate,
      aliases: m.aliases,
      downloads_all_time: m.downloadsAllTime === null ? null : Number(m.downloadsAllTime),
      hf_last_modified: m.hfLastModified?.toISOString() ?? null,
      gated: m.gated,
      private: m.private,
      sha: m.sha,
      typed_tags: typedTags(m.tags),
      files: m.files,
      datasets,
      base_models: bases.map((b) => ({
        id: b.base_model_id,
        relation: b.relation,
        source: b.source,
        known: b.base_known,
      })),
      derivative_counts: derivativeCounts,
      offerings: offerings
        .filter((o) => !o.deletedAt)
        .map((o) => ({
          id: o.id,
          provider: o.providerSlug,
          provider_model_id: o.providerModelId,
          context_window: o.contextWindow,
          max_output: o.maxOutput,
          status: o.status,
          variant: o.variant,
          aliases: o.aliases,
          identity_basis: typeof o.identity['basis'] === 'string' ? (o.identity['basis'] as string) : 'legacy',
          identity_reason: typeof o.identity['reason'] === 'string' ? (o.identity['reason'] as string) : '',
          identity_pinned: o.identityPinned,
        })),
      capability_facts: facts,
      ...(prices.get(modelId) ?? NO_PRICES),
    };
  }
}
