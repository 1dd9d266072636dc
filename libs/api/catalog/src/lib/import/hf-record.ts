import type { HfLineageFields } from '@mph/api-provenance';
import type { ModelFile } from '../entities';

/** A model as the Hugging Face Hub API returns it (GET /api/models?full=true&cardData=true or /api/models/{id}). */
export interface HfModelRecord extends HfLineageFields {
  id: string;
  modelId?: string;
  author?: string;
  pipeline_tag?: string;
  library_name?: string;
  likes?: number;
  downloads?: number;
  downloadsAllTime?: number;
  trendingScore?: number;
  createdAt?: string;
  lastModified?: string;
  gated?: boolean | string;
  private?: boolean;
  sha?: string;
  license?: string;
  siblings?: { rfilename: string; size?: number; lfs?: { size?: number } | null }[];
  cardData?: HfLineageFields['cardData'] & { license?: string | string[]; language?: string | string[] };
}

/** The catalog columns an HF record fills. */
export interface HfModelRow {
  id: string;
  author: string;
  display_name: string;
  pipeline_tag: string | null;
  library_name: string | null;
  likes: number;
  downloads: number;
  downloads_all_time: number | null;
  trending_score: number;
  hf_created_at: string | null;
  hf_last_modified: string | null;
  gated: string | null;
  private: boolean;
  sha: string | null;
  license: string | null;
  tags: string[];
  files: ModelFile[];
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);
const date = (v: unknown): string | null =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null;
const str = (v: unknown, max = 200): string | null =>
  typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null;

/** A record's id, or an explanation of why it cannot be imported. */
export function recordId(record: unknown): string | { error: string } {
  const r = record as { id?: unknown; modelId?: unknown } | null;
  const id = typeof r?.id === 'string' ? r.id : typeof r?.modelId === 'string' ? r.modelId : undefined;
  if (!id || id.length > 200 || !/^[\w.-]+(\/[\w.-]+)?$/.test(id))
    return { error: `not a model id: ${JSON.stringify(id ?? null).slice(0, 80)}` };
  return id;
}

export function hfRow(record: HfModelRecord): HfModelRow {
  const id = record.id ?? record.modelId;
  const tags = Array.isArray(record.tags)
    ? record.tags.filter((t): t is string => typeof t === 'string').slice(0, 500)
    : [];
  const licenseTag = tags.find((t) => t.startsWith('license:'))?.slice('license:'.length);
  const cardLicense = Array.isArray(record.cardData?.license) ? record.cardData?.license[0] : record.cardData?.license;
  return {
    id,
    author: str(record.author) ?? (id.includes('/') ? id.split('/')[0] : id),
    display_name: id.includes('/') ? id.slice(id.indexOf('/') + 1) : id,
    pipeline_tag: str(record.pipeline_tag, 100),
    library_name: str(record.library_name, 100),
    likes: count(record.likes),
    downloads: count(record.downloads),
    downloads_all_time: typeof record.downloadsAllTime === 'number' ? count(record.downloadsAllTime) : null,
    trending_score:
      typeof record.trendingScore === 'number' && Number.isFinite(record.trendingScore) ? record.trendingScore : 0,
    hf_created_at: date(record.createdAt),
    hf_last_modified: date(record.lastModified),
    gated: record.gated === undefined || record.gated === false ? null : String(record.gated),
    private: record.private === true,
    sha: str(record.sha, 64),
    license: str(licenseTag) ?? str(cardLicense) ?? str(record.license),
    tags,
    files: (record.siblings ?? [])
      .filter((s) => typeof s?.rfilename === 'string')
      .slice(0, 2000)
      .map((s) => ({
        name: s.rfilename,
        size: typeof s.size === 'number' ? s.size : (s.lfs?.size ?? null),
        lfs: !!s.lfs,
      })),
  };
}
