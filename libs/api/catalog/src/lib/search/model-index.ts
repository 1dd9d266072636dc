/**
 * The in-process search index over the catalog's models (docs/search.md explains the choice and the figures).
 *
 * Each live model has an ordinal; its sort values and filter codes sit in typed arrays indexed by ordinal, and every
 * word of its search document has a posting list of ordinals (ascending) with the word's weight class there. A query
 * intersects the posting lists of its words (the last word as a prefix over the sorted word dictionary, words of
 * four letters or more also one typo away when ranking by relevance), checks the filters on the typed arrays, and
 * selects the requested page by the sort key. No allocation grows with the catalog per query: scratch arrays are
 * reused.
 *
 * Words are cut exactly as the PostgreSQL search (`prefixQuery`): lower case, runs of letters and digits. The document
 * is the one `models_search_vector()` builds: id and aliases (weight A), display name and author (B), tags and the
 * first 4,000 characters of the description (C).
 *
 * Changes: `upsert` of a model whose words did not change updates its values in place; otherwise the model gets a new
 * ordinal (its postings appended at the end of each word's list, which keeps lists ascending) and the old one is
 * dead. `deadRatio` tells the owner when to rebuild.
 */

export const INDEX_SORTS = ['relevance', 'downloads', 'likes', 'trending', 'created', 'updated', 'context'] as const;
export type IndexSort = (typeof INDEX_SORTS)[number];

/** One model as the index needs it (the loader's row). Times are epoch milliseconds. */
export interface IndexedModel {
  id: string;
  aliases: string;
  displayName: string | null;
  author: string;
  tags: string;
  description: string | null;
  vendor: string | null;
  pipelineTag: string | null;
  library: string | null;
  license: string | null;
  contextWindow: number | null;
  toolCalling: boolean | null;
  structuredOutput: boolean | null;
  reasoning: boolean | null;
  vision: boolean | null;
  openWeights: boolean | null;
  downloads: number;
  likes: number;
  trending: number;
  created: number | null;
  updated: number | null;
}

export const FLAG_BITS = {
  tool_calling: 1,
  structured_output: 2,
  reasoning: 4,
  vision: 8,
  open_weights: 16,
} as const;
export type IndexFlag = keyof typeof FLAG_BITS;

export interface IndexQuery {
  q: string;
  author?: string;
  vendor?: string;
  pipeline_tag?: string;
  library?: string;
  license?: string;
  /** true: the flag IS TRUE; false: IS NOT TRUE (unknown counts as not), as the SQL filters. */
  flags?: Partial<Record<IndexFlag, boolean>>;
  min_context?: number;
  sort: IndexSort;
  /** Keyset position (any sort but relevance): rows strictly after (value, id) in the sort order. */
  after?: { value: number; id: string };
  offset: number;
  limit: number;
}

export interface IndexResult {
  ids: string[];
  /** The sort value of each row (null for relevance), for the next cursor. */
  values: (number | null)[];
  /** Every match (exact, not capped). */
  total: number;
}

/** Lower case runs of letters and digits: the words of a query and of a document. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const MAX_QUERY_WORDS = 12;
const WEIGHT_A = 1.0;
const WEIGHT_B = 0.4;
const WEIGHT_C = 0.2;
/** A posting's weight byte: occurrences (capped at 3) in the A, B and C parts of the document. */
const countA = (w: number) => w & 3;
const countB = (w: number) => (w >> 2) & 3;
const countC = (w: number) => (w >> 4) & 3;
/** The text score of each weight byte. */
const SCORE = Float64Array.from(
  { length: 64 },
  (_, w) => WEIGHT_A * countA(w) + WEIGHT_B * countB(w) + WEIGHT_C * countC(w),
);

/**
 * Words within one edit (delete, substitute, insert, swap) of `w`, over the letters and digits the dictionary uses;
 * for a prefix (`prefixOnly`), deletions only when four letters or more remain.
 */
function oneEdit(w: string, alphabet: string, prefixOnly: boolean): string[] {
  const out = new Set<string>();
  for (let i = 0; i <= w.length; i++) {
    const head = w.slice(0, i);
    const tail = w.slice(i);
    for (const c of alphabet) {
      out.add(head + c + tail);
      if (i < w.length && c !== w[i]) out.add(head + c + w.slice(i + 1));
    }
    // A prefix one shorter than four letters would match far too much ("lam" for "lama").
    if (i < w.length && (!prefixOnly || w.length > TYPO_MIN_LENGTH)) out.add(head + w.slice(i + 1));
    if (i < w.length - 1) out.add(head + w[i + 1] + w[i] + w.slice(i + 2));
  }
  out.delete(w);
  return [...out];
}

/** Words this long or longer may have one typo (search engines use 4-5; 4 lets "lama" find "llama"). */
const TYPO_MIN_LENGTH = 4;
const TYPO_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The words of an id's name part (after the last slash), joined by one space. */
function nameWords(id: string): string {
  return words(id.slice(id.lastIndexOf('/') + 1)).join(' ');
}

/** FNV-1a of a string's UTF-16 code units. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Grows a typed array to at least `n` entries (doubling), keeping its contents. */
function grow<T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: T, n: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2, 1024));
  b.set(a);
  return b;
}

/** Values of one low-cardinality text column as small integer codes (0 = null). */
class Codes {
  private readonly byValue = new Map<string, number>([['', 0]]);
  code(value: string | null): number {
    if (value === null) return 0;
    let c = this.byValue.get(value);
    if (c === undefined) {
      c = this.byValue.size;
      this.byValue.set(value, c);
    }
    return c;
  }
  /** The code of a value, or -1 when no model has it (no match). */
  find(value: string): number {
    return this.byValue.get(value) ?? -1;
  }
  get size(): number {
    return this.byValue.size;
  }
}

interface WordMatch {
  tokens: number[];
  /** Per token: 1 when it is one edit away from the query word. */
  typo: Uint8Array;
  size: number;
}

export class ModelIndex {
  /** Ordinals handed out (live and dead). */
  private n = 0;
  private liveCount = 0;
  private ids: string[] = [];
  private readonly ordOf = new Map<string, number>();
  private live = new Uint8Array(0);
  private downloads = new Float64Array(0);
  private likes = new Float64Array(0);
  private trending = new Float64Array(0);
  private created = new Float64Array(0);
  private updated = new Float64Array(0);
  private context = new Float64Array(0);
  private flags = new Uint8Array(0);
  private docLen = new Uint16Array(0);
  /** Popularity over document length: relevance = text score × boost (see relevanceKeys). */
  private boost = new Float64Array(0);
  private wordsHash = new Uint32Array(0);
  /** Hash of the lower-case id: the exact-id check of relevance without touching the strings. */
  private lowerHash = new Uint32Array(0);
  /** Hash of the words of the id's name part (after the owner): "gpt 4o" and "GPT-4o" find openai/gpt-4o first. */
  private nameHash = new Uint32Array(0);
  /**
   * Position in id order, for ties (`rank` a < b ⇒ id a < id b; equal ranks compare the ids). Models loaded in id
   * order get 1024 × ordinal; one added later gets the middle of the gap between the loaded ids around it.
   */
  private rank = new Float64Array(0);
  /** Models loaded in id order (the first `sortedUpTo` ordinals), else ranks are not used. */
  private sortedUpTo = 0;
  private inIdOrder = true;
  private authorCode = new Uint32Array(0);
  private vendorCode = new Uint32Array(0);
  private pipelineCode = new Uint32Array(0);
  private libraryCode = new Uint32Array(0);
  private licenseCode = new Uint32Array(0);
  private readonly authors = new Codes();
  private readonly vendors = new Codes();
  private readonly pipelines = new Codes();
  private readonly libraries = new Codes();
  private readonly licenses = new Codes();

  // The word dictionary: ids by word, words by id; `sorted` (ids in word order) covers the words known when the
  // postings were frozen, `lateTokens` the ones added since (few; searched one by one for prefixes).
  private readonly tokenOf = new Map<string, number>();
  private readonly tokenText: string[] = [];
  private sorted = new Int32Array(0);
  private lateTokens: number[] = [];
  private alphabet = TYPO_ALPHABET;

  // Postings: frozen part in CSR form (start offsets per token id, ordinals, weight bytes) plus appended ones.
  private postStart = new Int32Array(1);
  private postOrd = new Int32Array(0);
  private postW = new Uint8Array(0);
  private readonly lateOrd = new Map<number, number[]>();
  private readonly lateW = new Map<number, number[]>();
  private frozen = false;
  // While loading: each document's (token, weight) pairs, turned into the CSR postings by `freeze`.
  private buildTok = new Int32Array(0);
  private buildW = new Uint8Array(0);
  private buildStart = new Int32Array(1);
  private buildLen = 0;

  // Scratch space reused by every query.
  private mark = new Uint32Array(0);
  private stamp = 0;
  private acc = new Float64Array(0);
  private cur = new Float64Array(0);
  private typos = new Uint8Array(0);
  private curTypo = new Uint8Array(0);
  private cand = new Int32Array(0);

  get size(): number {
    return this.liveCount;
  }

  /** Dead ordinals (replaced or removed models) against all handed out: above ~0.3 a rebuild pays. */
  get deadRatio(): number {
    return this.n ? (this.n - this.liveCount) / this.n : 0;
  }

  /** Approximate bytes held (typed arrays and an estimate for strings and maps). */
  get bytes(): number {
    const typed =
      this.live.byteLength +
      this.downloads.byteLength * 7 +
      this.flags.byteLength +
      this.docLen.byteLength +
      this.wordsHash.byteLength * 8 +
      this.rank.byteLength +
      this.postStart.byteLength +
      this.postOrd.byteLength +
      this.postW.byteLength +
      this.sorted.byteLength +
      this.mark.byteLength +
      this.acc.byteLength * 2 +
      this.cand.byteLength +
      this.typos.byteLength * 2;
    let strings = 0;
    for (let i = 0; i < this.n; i++) strings += 40 + (this.ids[i]?.length ?? 0);
    for (const t of this.tokenText) strings += 40 + t.length;
    let late = 0;
    for (const l of this.lateOrd.values()) late += l.length * 9;
    // Map entries: ~ 3 words each.
    return typed + strings + late + (this.ordOf.size + this.tokenOf.size) * 24;
  }

  has(id: string): boolean {
    const o = this.ordOf.get(id);
    return o !== undefined && this.live[o] === 1;
  }

  /** Adds or replaces a model (listed and not deleted: callers `remove` the others). */
  upsert(m: IndexedModel): void {
    const doc = this.document(m);
    const hash = doc.hash;
    const old = this.ordOf.get(m.id);
    if (old !== undefined && this.live[old] === 1 && this.wordsHash[old] === hash) {
      this.setValues(old, m);
      return;
    }
    if (old !== undefined && this.live[old] === 1) {
      this.live[old] = 0;
      this.liveCount--;
    }
    const ord = this.n++;
    this.ensure(this.n);
    this.ids[ord] = m.id;
    this.ordOf.set(m.id, ord);
    this.live[ord] = 1;
    this.liveCount++;
    this.wordsHash[ord] = hash;
    this.lowerHash[ord] = hashString(m.id.toLowerCase());
    this.nameHash[ord] = hashString(nameWords(m.id));
    this.rank[ord] = this.rankOf(m.id, ord);
    this.docLen[ord] = Math.min(doc.length, 65_535);
    this.setValues(ord, m);
    if (!this.frozen) {
      const need = this.buildLen + doc.tokens.length;
      this.buildTok = grow(this.buildTok, need);
      this.buildW = grow(this.buildW, need);
      for (let i = 0; i < doc.tokens.length; i++) {
        this.buildTok[this.buildLen] = doc.tokens[i];
        this.buildW[this.buildLen++] = doc.weights[i];
      }
      this.buildStart = grow(this.buildStart, ord + 2);
      this.buildStart[ord + 1] = this.buildLen;
      return;
    }
    for (let i = 0; i < doc.tokens.length; i++) {
      const t = doc.tokens[i];
      let ords = this.lateOrd.get(t);
      if (!ords) {
        ords = [];
        this.lateOrd.set(t, ords);
        this.lateW.set(t, []);
      }
      ords.push(ord);
      (this.lateW.get(t) as number[]).push(doc.weights[i]);
    }
  }

  private rankOf(id: string, ord: number): number {
    if (!this.frozen) {
      if (ord > 0 && !(this.ids[ord - 1] < id)) this.inIdOrder = false;
      return ord * 1024;
    }
    if (!this.inIdOrder) return 0;
    let lo = 0;
    let hi = this.sortedUpTo;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.sortedUpTo && this.ids[lo] === id ? lo * 1024 : lo * 1024 - 512;
  }

  /** Between equal sort values: id order (by rank where ranks differ). */
  private idBefore(a: number, b: number): boolean {
    const ra = this.rank[a];
    const rb = this.rank[b];
    return ra !== rb && this.inIdOrder ? ra < rb : this.ids[a] < this.ids[b];
  }

  remove(id: string): void {
    const old = this.ordOf.get(id);
    if (old === undefined) return;
    if (this.live[old] === 1) this.liveCount--;
    this.live[old] = 0;
    this.ordOf.delete(id);
  }

  /** Ends the initial load: postings go to their compact form. Later upserts append. */
  freeze(): void {
    if (this.frozen) return;
    this.sortedUpTo = this.n;
    const tokens = this.tokenText.length;
    const counts = new Int32Array(tokens + 1);
    for (let i = 0; i < this.buildLen; i++) counts[this.buildTok[i] + 1]++;
    for (let t = 0; t < tokens; t++) counts[t + 1] += counts[t];
    this.postStart = counts;
    this.postOrd = new Int32Array(this.buildLen);
    this.postW = new Uint8Array(this.buildLen);
    const fill = this.postStart.slice(0, tokens);
    for (let ord = 0; ord < this.n; ord++) {
      for (let i = this.buildStart[ord]; i < this.buildStart[ord + 1]; i++) {
        const t = this.buildTok[i];
        const at = fill[t]++;
        this.postOrd[at] = ord;
        this.postW[at] = this.buildW[i];
      }
    }
    this.buildTok = new Int32Array(0);
    this.buildW = new Uint8Array(0);
    this.buildStart = new Int32Array(1);
    this.buildLen = 0;
    const order = Array.from({ length: tokens }, (_, i) => i);
    order.sort((a, b) => (this.tokenText[a] < this.tokenText[b] ? -1 : this.tokenText[a] > this.tokenText[b] ? 1 : 0));
    this.sorted = Int32Array.from(order);
    // Typos are tried with the characters the dictionary has (letters of other scripts included).
    const chars = new Set(TYPO_ALPHABET);
    for (const t of this.tokenText) for (const c of t) chars.add(c);
    this.alphabet = [...chars].join('');
    this.frozen = true;
  }

  search(query: IndexQuery): IndexResult {
    if (!this.frozen) this.freeze();
    const qWords = words(query.q).slice(0, MAX_QUERY_WORDS);
    const empty: IndexResult = { ids: [], values: [], total: 0 };
    if (!qWords.length) return empty;
    const filter = this.compileFilter(query);
    if (filter === false) return empty;
    const relevance = query.sort === 'relevance';
    const matchWords = (typos: boolean) =>
      qWords.map((w, i) => this.matchWord(w, i === qWords.length - 1, typos && w.length >= TYPO_MIN_LENGTH));
    let matches = matchWords(relevance);
    let count = this.candidates(matches, filter);
    // Sorted by a value, typo matches would mix into the exact ones: they are only tried when nothing matches.
    if (!count && !relevance) {
      matches = matchWords(true);
      count = this.candidates(matches, filter);
    }
    if (query.after && !relevance) count = this.afterCursor(count, query.sort, query.after);
    const total = count;
    if (query.offset >= total) return { ids: [], values: [], total };
    const key = relevance ? this.relevanceKeys(count, query.q.trim().toLowerCase()) : this.values(query.sort);
    const downloads = this.downloads;
    const tie = relevance
      ? (a: number, b: number) => (downloads[a] !== downloads[b] ? downloads[a] > downloads[b] : this.idBefore(a, b))
      : (a: number, b: number) => this.idBefore(a, b);
    const top = topK(this.cand, count, query.offset + query.limit, key, tie).slice(query.offset);
    return {
      ids: top.map((o) => this.ids[o]),
      values: top.map((o) => (relevance ? null : key[o])),
      total,
    };
  }

  /** The sort value array of a sort (NULL times as -Infinity, an unknown context as -1, as the SQL keys). */
  private values(sort: IndexSort): Float64Array {
    switch (sort) {
      case 'downloads':
        return this.downloads;
      case 'likes':
        return this.likes;
      case 'trending':
        return this.trending;
      case 'created':
        return this.created;
      case 'updated':
        return this.updated;
      case 'context':
        return this.context;
      default:
        throw new Error(`no sort values for ${sort}`);
    }
  }

  /** Keeps the candidates strictly after the cursor's (value, id) in the sort order; returns their count. */
  private afterCursor(count: number, sort: IndexSort, after: { value: number; id: string }): number {
    const v = this.values(sort);
    const { cand, ids } = this;
    let k = 0;
    for (let i = 0; i < count; i++) {
      const o = cand[i];
      if (v[o] < after.value || (v[o] === after.value && ids[o] > after.id)) cand[k++] = o;
    }
    return k;
  }

  /**
   * Relevance as one number per candidate (in `acc`): the exact id first, then a name that is exactly the query's
   * words (whatever the owner: "gpt-4o" → openai/gpt-4o before openai/ft-gpt-4o), then fewer typos, then the words' weights
   * normalised by the document's length and boosted by popularity (`boost`; the SQL search's order).
   */
  private relevanceKeys(count: number, exactId: string): Float64Array {
    const { cand, acc, typos, boost, ids, lowerHash, nameHash } = this;
    const h = hashString(exactId);
    const queryWords = words(exactId).join(' ');
    const nh = hashString(queryWords);
    for (let i = 0; i < count; i++) {
      const o = cand[i];
      // acc × boost < 1e6 always (at most 12 words × 6.6 × ~6): the tiers never overlap.
      let k = (MAX_QUERY_WORDS - typos[o]) * 1e6 + acc[o] * boost[o];
      if (lowerHash[o] === h && ids[o].toLowerCase() === exactId) k += 2e9;
      else if (nameHash[o] === nh && nameWords(ids[o]) === queryWords) k += 1e9;
      acc[o] = k;
    }
    return acc;
  }

  /** The tokens a query word matches: the word itself (or every word it begins, for the last), and typo variants. */
  private matchWord(w: string, prefix: boolean, typos: boolean): WordMatch {
    const exact = prefix ? this.prefixTokens(w) : this.exactToken(w);
    const tokens = [...exact];
    const seen = new Set(tokens);
    if (typos) {
      for (const v of oneEdit(w, this.alphabet, prefix)) {
        for (const t of prefix ? this.prefixTokens(v) : this.exactToken(v)) {
          if (!seen.has(t)) {
            seen.add(t);
            tokens.push(t);
          }
        }
      }
    }
    const typo = new Uint8Array(tokens.length);
    typo.fill(1, exact.length);
    let size = 0;
    for (const t of tokens) size += this.postingLength(t);
    return { tokens, typo, size };
  }

  private exactToken(w: string): number[] {
    const t = this.tokenOf.get(w);
    return t === undefined ? [] : [t];
  }

  private prefixTokens(p: string): number[] {
    const out: number[] = [];
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokenText[this.sorted[mid]] < p) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length; i++) {
      const t = this.sorted[i];
      if (!this.tokenText[t].startsWith(p)) break;
      out.push(t);
    }
    for (const t of this.lateTokens) if (this.tokenText[t].startsWith(p)) out.push(t);
    return out;
  }

  private postingLength(t: number): number {
    const frozen = t + 1 < this.postStart.length ? this.postStart[t + 1] - this.postStart[t] : 0;
    return frozen + (this.lateOrd.get(t)?.length ?? 0);
  }

  /**
   * Live models matching every word and the filters, into `cand` (returns their count), with `acc` (summed word
   * scores) and `typos` (words matched only by a typo) set for each. The rarest word drives; each other word marks its
   * postings, or, when the candidates are few against its postings, is looked up per candidate (binary search).
   */
  private candidates(matches: WordMatch[], filter: ((o: number) => boolean) | null): number {
    if (matches.some((m) => m.size === 0)) return 0;
    const order = [...matches].sort((a, b) => a.size - b.size);
    this.ensureScratch();
    const { mark, acc, typos, cur, curTypo, cand, live, postStart, postOrd, postW } = this;
    let stamp = this.nextStamp();
    let count = 0;
    const first = order[0];
    // The loops below are written out for the compact and the appended postings alike (no callback: this is the
    // hottest code of a search).
    for (let i = 0; i < first.tokens.length; i++) {
      const t = first.tokens[i];
      const typo = first.typo[i];
      const from = t + 1 < postStart.length ? postStart[t] : 0;
      const to = t + 1 < postStart.length ? postStart[t + 1] : 0;
      const late = this.lateOrd.size ? this.lateOrd.get(t) : undefined;
      const lateW = late ? this.lateW.get(t) : undefined;
      const lateEnd = late ? late.length : 0;
      for (let p = from, end = to + lateEnd; p < end; p++) {
        const o = p < to ? postOrd[p] : (late as number[])[p - to];
        const sc = SCORE[p < to ? postW[p] : (lateW as number[])[p - to]];
        if (mark[o] !== stamp) {
          // Rejected models are marked too (not added): later words only advance what is in `cand`.
          mark[o] = stamp;
          if (live[o] !== 1 || (filter !== null && !filter(o))) continue;
          cand[count++] = o;
          acc[o] = sc;
          typos[o] = typo;
        } else {
          if (sc > acc[o]) acc[o] = sc;
          if (typo < typos[o]) typos[o] = typo;
        }
      }
    }
    for (let j = 1; j < order.length && count; j++) {
      const word = order[j];
      const prev = stamp;
      stamp = this.nextStamp();
      if (count * 16 < word.size && word.tokens.length <= 8) {
        // Few candidates: look each up in the word's (ascending) posting lists.
        for (let i = 0; i < count; i++) {
          const o = cand[i];
          for (let x = 0; x < word.tokens.length; x++) {
            const w = this.weightAt(word.tokens[x], o);
            if (w < 0) continue;
            const typo = word.typo[x];
            if (mark[o] !== stamp) {
              mark[o] = stamp;
              cur[o] = SCORE[w];
              curTypo[o] = typo;
            } else {
              if (SCORE[w] > cur[o]) cur[o] = SCORE[w];
              if (typo < curTypo[o]) curTypo[o] = typo;
            }
          }
        }
      } else {
        for (let i = 0; i < word.tokens.length; i++) {
          const t = word.tokens[i];
          const typo = word.typo[i];
          const from = t + 1 < postStart.length ? postStart[t] : 0;
          const to = t + 1 < postStart.length ? postStart[t + 1] : 0;
          const late = this.lateOrd.size ? this.lateOrd.get(t) : undefined;
          const lateW = late ? this.lateW.get(t) : undefined;
          const lateEnd = late ? late.length : 0;
          for (let p = from, end = to + lateEnd; p < end; p++) {
            const o = p < to ? postOrd[p] : (late as number[])[p - to];
            if (mark[o] === prev) {
              mark[o] = stamp;
              cur[o] = SCORE[p < to ? postW[p] : (lateW as number[])[p - to]];
              curTypo[o] = typo;
            } else if (mark[o] === stamp) {
              const sc = SCORE[p < to ? postW[p] : (lateW as number[])[p - to]];
              if (sc > cur[o]) cur[o] = sc;
              if (typo < curTypo[o]) curTypo[o] = typo;
            }
          }
        }
      }
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const o = cand[i];
        if (mark[o] !== stamp) continue;
        acc[o] += cur[o];
        typos[o] += curTypo[o];
        cand[kept++] = o;
      }
      count = kept;
    }
    return count;
  }

  /** The weight byte of model `o` in token `t`'s postings, or -1 (binary search; both parts are ascending). */
  private weightAt(t: number, o: number): number {
    if (t + 1 < this.postStart.length) {
      let lo = this.postStart[t];
      let hi = this.postStart[t + 1];
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.postOrd[mid] < o) lo = mid + 1;
        else hi = mid;
      }
      if (lo < this.postStart[t + 1] && this.postOrd[lo] === o) return this.postW[lo];
    }
    const late = this.lateOrd.get(t);
    if (late) {
      let lo = 0;
      let hi = late.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (late[mid] < o) lo = mid + 1;
        else hi = mid;
      }
      if (lo < late.length && late[lo] === o) return (this.lateW.get(t) as number[])[lo];
    }
    return -1;
  }

  /** The filters as one check, null for none; `false` when a filter names a value no model has (nothing matches). */
  private compileFilter(q: IndexQuery): ((o: number) => boolean) | null | false {
    const checks: ((o: number) => boolean)[] = [];
    // The arrays are taken as they are now: nothing grows them during a search.
    const code = (codes: Codes, arr: Uint32Array, value: string | undefined): boolean => {
      if (value === undefined) return true;
      const c = codes.find(value);
      if (c <= 0) return false;
      checks.push((o) => arr[o] === c);
      return true;
    };
    if (
      !code(this.authors, this.authorCode, q.author) ||
      !code(this.vendors, this.vendorCode, q.vendor) ||
      !code(this.pipelines, this.pipelineCode, q.pipeline_tag) ||
      !code(this.libraries, this.libraryCode, q.library) ||
      !code(this.licenses, this.licenseCode, q.license)
    ) {
      return false;
    }
    let mustSet = 0;
    let mustClear = 0;
    for (const [flag, want] of Object.entries(q.flags ?? {}) as [IndexFlag, boolean | undefined][]) {
      if (want === true) mustSet |= FLAG_BITS[flag];
      else if (want === false) mustClear |= FLAG_BITS[flag];
    }
    const { flags, context } = this;
    if (mustSet || mustClear) checks.push((o) => (flags[o] & mustSet) === mustSet && (flags[o] & mustClear) === 0);
    if (q.min_context !== undefined) {
      const min = q.min_context;
      checks.push((o) => context[o] >= min);
    }
    if (!checks.length) return null;
    if (checks.length === 1) return checks[0];
    return (o) => {
      for (const c of checks) if (!c(o)) return false;
      return true;
    };
  }

  private setValues(ord: number, m: IndexedModel): void {
    this.downloads[ord] = m.downloads;
    this.likes[ord] = m.likes;
    this.trending[ord] = m.trending;
    this.created[ord] = m.created ?? -Infinity;
    this.updated[ord] = m.updated ?? -Infinity;
    this.context[ord] = m.contextWindow ?? -1;
    this.boost[ord] = (1 + Math.log(1 + m.downloads) / 8) / (1 + Math.log2(this.docLen[ord] + 1));
    this.flags[ord] =
      (m.toolCalling ? FLAG_BITS.tool_calling : 0) |
      (m.structuredOutput ? FLAG_BITS.structured_output : 0) |
      (m.reasoning ? FLAG_BITS.reasoning : 0) |
      (m.vision ? FLAG_BITS.vision : 0) |
      (m.openWeights ? FLAG_BITS.open_weights : 0);
    this.authorCode[ord] = this.authors.code(m.author);
    this.vendorCode[ord] = this.vendors.code(m.vendor);
    this.pipelineCode[ord] = this.pipelines.code(m.pipelineTag);
    this.libraryCode[ord] = this.libraries.code(m.library);
    this.licenseCode[ord] = this.licenses.code(m.license);
  }

  /** The model's words with their weight bytes, the document length and a hash of both (to spot word changes). */
  private document(m: IndexedModel): { tokens: number[]; weights: number[]; length: number; hash: number } {
    const weights = new Map<number, number>();
    let length = 0;
    const add = (text: string, shift: number) => {
      for (const w of words(text)) {
        length++;
        const t = this.token(w);
        const prev = weights.get(t) ?? 0;
        const count = (prev >> shift) & 3;
        weights.set(t, count < 3 ? prev + (1 << shift) : prev);
      }
    };
    add(`${m.id} ${m.aliases}`, 0);
    add(`${m.displayName ?? ''} ${m.author}`, 2);
    add(`${m.tags} ${(m.description ?? '').slice(0, 4000)}`, 4);
    const tokens = [...weights.keys()];
    const ws = tokens.map((t) => weights.get(t) as number);
    // FNV-1a over (token, weight) pairs in insertion order: the same document always gives the same hash.
    let h = 0x811c9dc5;
    for (let i = 0; i < tokens.length; i++) {
      h = Math.imul(h ^ tokens[i], 16777619);
      h = Math.imul(h ^ ws[i], 16777619);
    }
    return { tokens, weights: ws, length, hash: h >>> 0 };
  }

  private token(w: string): number {
    let t = this.tokenOf.get(w);
    if (t === undefined) {
      t = this.tokenText.length;
      this.tokenOf.set(w, t);
      this.tokenText.push(w);
      if (this.frozen) this.lateTokens.push(t);
    }
    return t;
  }

  private ensure(n: number): void {
    if (this.live.length >= n) return;
    this.live = grow(this.live, n);
    this.downloads = grow(this.downloads, n);
    this.likes = grow(this.likes, n);
    this.trending = grow(this.trending, n);
    this.created = grow(this.created, n);
    this.updated = grow(this.updated, n);
    this.context = grow(this.context, n);
    this.flags = grow(this.flags, n);
    this.docLen = grow(this.docLen, n);
    this.boost = grow(this.boost, n);
    this.wordsHash = grow(this.wordsHash, n);
    this.lowerHash = grow(this.lowerHash, n);
    this.nameHash = grow(this.nameHash, n);
    this.rank = grow(this.rank, n);
    this.authorCode = grow(this.authorCode, n);
    this.vendorCode = grow(this.vendorCode, n);
    this.pipelineCode = grow(this.pipelineCode, n);
    this.libraryCode = grow(this.libraryCode, n);
    this.licenseCode = grow(this.licenseCode, n);
  }

  private ensureScratch(): void {
    const n = this.live.length;
    if (this.mark.length >= n) return;
    this.mark = new Uint32Array(n);
    this.stamp = 0;
    this.acc = new Float64Array(n);
    this.cur = new Float64Array(n);
    this.typos = new Uint8Array(n);
    this.curTypo = new Uint8Array(n);
    this.cand = new Int32Array(n);
  }

  private nextStamp(): number {
    if (this.stamp >= 0xfffffff0) {
      this.mark.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

/**
 * The first `k` of `items[0..count)` by `key` descending, `tie(a, b)` (a first) between equal keys: a bounded heap
 * of the best so far (the worst on top), or a full sort when `k` is a large share of them.
 */
export function topK(
  items: Int32Array,
  count: number,
  k: number,
  key: Float64Array,
  tie: (a: number, b: number) => boolean,
): number[] {
  const before = (a: number, b: number) => (key[a] !== key[b] ? key[a] > key[b] : tie(a, b));
  if (k <= 0 || count <= 0) return [];
  if (count <= k * 4 || count <= 256) {
    return Array.from(items.subarray(0, count))
      .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
      .slice(0, k);
  }
  const heap = new Int32Array(k);
  let size = 0;
  const up = (i: number) => {
    const x = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(heap[p], x)) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = x;
  };
  const down = (i: number) => {
    const x = heap[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const m = r < size && before(heap[l], heap[r]) ? r : l;
      if (!before(x, heap[m])) break;
      heap[i] = heap[m];
      i = m;
    }
    heap[i] = x;
  };
  for (let i = 0; i < count; i++) {
    const x = items[i];
    if (size < k) {
      heap[size] = x;
      up(size++);
    } else {
      const top = heap[0];
      // Most candidates lose to the worst kept on the key alone.
      if (key[x] < key[top] || (key[x] === key[top] && !tie(x, top))) continue;
      heap[0] = x;
      down(0);
    }
  }
  return Array.from(heap.subarray(0, size)).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}
