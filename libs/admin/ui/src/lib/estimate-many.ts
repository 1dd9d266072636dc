import type { CostsService, EstimateBatchItemDto, EstimateDto } from '@mph/admin-api-client';
import { forkJoin, map, Observable, of } from 'rxjs';
import { silentErrors } from './http-context';

/** The API's batch limit per request. */
const BATCH = 100;

/**
 * Prices many usages (every offering of a model, say) through `POST /costs/estimate/batch`: one request per 100
 * items instead of one each, so a page stays inside a visitor's request budget. Results come back in item order.
 */
export function estimateMany(costs: CostsService, items: EstimateDto[]): Observable<EstimateBatchItemDto[]> {
  if (!items.length) return of([]);
  const chunks: EstimateDto[][] = [];
  for (let i = 0; i < items.length; i += BATCH) chunks.push(items.slice(i, i + BATCH));
  return forkJoin(chunks.map((chunk) => costs.estimateCosts({ body: { items: chunk } }, silentErrors()))).pipe(
    map((answers) => answers.flatMap((a, c) => a.results.map((r) => ({ ...r, index: r.index + c * BATCH })))),
  );
}
