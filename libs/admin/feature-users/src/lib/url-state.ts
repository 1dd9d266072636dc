import { inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Params, Router } from '@angular/router';

/** A page's table state (page, filters) kept in the URL's query string, so links are shareable. */
export function urlState() {
  const route = inject(ActivatedRoute);
  const router = inject(Router);
  const params = toSignal(route.queryParamMap, { requireSync: true });
  return {
    params,
    get: (key: string) => params().get(key) ?? undefined,
    page: () => Math.max(1, Number(params().get('page') ?? 1) || 1),
    perPage: () => Math.min(100, Math.max(1, Number(params().get('per_page') ?? 20) || 20)),
    set: (changes: Params) =>
      void router.navigate([], { relativeTo: route, queryParams: changes, queryParamsHandling: 'merge' }),
  };
}
