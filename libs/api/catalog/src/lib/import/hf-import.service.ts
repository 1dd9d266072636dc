import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { baseModelEdges, datasetIds, ProvenanceService } from '@mph/api-provenance';
import { query, ResponseCache } from '@mph/api-core';
import { DataSource } from 'typeorm';
import { HfModelRecord, hfRow, recordId } from './hf-record';
import type { HfPage } from './hf-source';
import { OfferingRegistryService } from '../services/offering-registry.service';

export interface ImportCounts {
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  edges_written: number;
  edges_removed: number;
  /** Models feeds had made for weights the Hub now lists, merged into the repo. */
  models_adopted: number;
}

export interface ImportResult {
  counts: ImportCounts;
  /** The first few records that could not be imported, and why. */
  problems: string[];
}

const COLUMNS = `id text, author text, display_name text, pipeline_tag text, library_name text, likes int, downloads bigint,
  downloads_all_time bigint, trending_score float8, hf_created_at timestamptz, hf_last_modified timestamptz, gated text,
  private bool, sha text, license text, tags text[], files jsonb`;
/** Columns the Hub owns; operators' capability edits and display names are left alone by re-imports. */
const HUB_COLUMNS = [
  'author',
  'pipeline_tag',
  'library_name',
  'likes',
  'downloads',
  'downloads_all_time',
  'trending_score',
  'hf_created_at',
  'hf_last_modified',
  'gated',
  'private',
  'sha',
  'license',
  'tags',
  'files',
];

/**
 * Imports Hugging Face Hub records: models (upsert; rows whose Hub fields did not change are not touched) and their
 * base-model and dataset relations, one transaction per page. Importing the same data twice changes nothing.
 */
@Injectable()
export class HfImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly provenance: ProvenanceService,
    private readonly cache: ResponseCache,
    private readonly registry: OfferingRegistryService,
  ) {}

  async import(
    pages: AsyncIterable<HfPage>,
    onProgress?: (counts: ImportCounts, page: Pick<HfPage, 'from' | 'total'>) => void,
  ): Promise<ImportResult> {
    const counts: ImportCounts = {
      records: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      edges_written: 0,
      edges_removed: 0,
      models_adopted: 0,
    };
    const problems: string[] = [];
    for await (const page of pages) {
      const valid: HfModelRecord[] = [];
      const seen = new Set<string>();
      for (const record of page.records) {
        counts.records++;
        const id = recordId(record);
        if (typeof id !== 'string') {
          counts.skipped++;
          if (problems.length < 10) problems.push(`${page.from}: ${id.error}`);
          continue;
        }
        if (seen.has(id)) continue; // a page listing a model twice: the first wins
        seen.add(id);
        valid.push({ ...record, id });
      }
      for (let i = 0; i < valid.length; i += 500) {
        const batch = valid.slice(i, i + 500);
        await this.dataSource.transaction(async (m) => {
          const rows = await query<{ inserted: boolean }>(
            m,
            `INSERT INTO models (id, author, display_name, pipeline_tag, library_name, likes, downloads, downloads_all_time,
                                 trending_score, hf_created_at, hf_last_modified, gated, private, sha, license, tags, files,
                                 open_weights, source)
             SELECT r.id, r.author, r.display_name, r.pipeline_tag, r.library_name, r.likes, r.downloads, r.downloads_all_time,
                    r.trending_score, r.hf_created_at, r.hf_last_modified, r.gated, r.private, r.sha, r.license, r.tags, r.files,
                    true, 'huggingface'
               FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS})
             ON CONFLICT (id) DO UPDATE SET ${HUB_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
              WHERE (${HUB_COLUMNS.map((c) => `models.${c}`).join(', ')}) IS DISTINCT FROM (${HUB_COLUMNS.map((c) => `EXCLUDED.${c}`).join(', ')})
             RETURNING (xmax = 0) AS inserted`,
            [JSON.stringify(batch.map(hfRow))],
          );
          const created = rows.filter((r) => r.inserted).length;
          counts.created += created;
          counts.updated += rows.length - created;
          counts.unchanged += batch.length - rows.length;
          const lineage = await this.provenance.replaceImported(
            m,
            batch.map((r) => ({ modelId: r.id, edges: baseModelEdges(r), datasets: datasetIds(r) })),
          );
          counts.edges_written += lineage.edgesWritten;
          counts.edges_removed += lineage.edgesRemoved;
          // New repos adopt the models feeds made for the same weights before the Hub knew them.
          if (created)
            counts.models_adopted += (
              await this.registry.adoptHubModels(
                m,
                batch.map((r) => r.id),
              )
            ).length;
        });
      }
      if (counts.created || counts.updated || counts.edges_written || counts.edges_removed || counts.models_adopted)
        this.cache.invalidate('catalog');
      onProgress?.({ ...counts }, { from: page.from, total: page.total });
    }
    return { counts, problems };
  }
}
